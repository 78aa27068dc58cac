//! Untrusted text for display: always text nodes (inert), with bidi overrides and invisible
//! characters shown as visible `U+XXXX` markers so they cannot hide or reorder what is read.

use keyhole_engine::render::{reveal_invisible, Shown};
use yew::prelude::*;

/// Renders untrusted text safely.
pub fn reveal(text: &str) -> Html {
    let parts = reveal_invisible(text);
    if let [Shown::Text(t)] = parts.as_slice() {
        return html! { <>{ *t }</> };
    }
    html! {
        <>
            { for parts.into_iter().map(|p| match p {
                Shown::Text(t) => html! { <>{ t }</> },
                Shown::Control(code) => html! {
                    <span class="invisible-char" title="invisible or direction-changing character">{ code }</span>
                },
            }) }
        </>
    }
}

/// Characters of one value shown before "Show all": enough for any ordinary claim or header
/// (long `groups` claims included), small enough that a hostile 700 KB claim — or a refused
/// 1 MB token — costs the page a few milliseconds to render instead of seconds.
pub const CLIP_CHARS: usize = 4096;

/// `text` cut to its first `limit` characters, or None when it is not longer than that.
pub fn clip(text: &str, limit: usize) -> Option<&str> {
    text.char_indices().nth(limit).map(|(at, _)| &text[..at])
}

#[derive(Properties, PartialEq)]
pub struct ClippedProps {
    pub text: AttrValue,
}

/// Untrusted text, revealed like [`reveal`], but long values show only their first
/// [`CLIP_CHARS`] characters with a button to show the rest (the analyst asks for it, so a
/// slow render then is their choice, never the default).
#[function_component(Clipped)]
pub fn clipped(p: &ClippedProps) -> Html {
    let expanded = use_state(|| false);
    let head = if *expanded {
        None
    } else {
        clip(&p.text, CLIP_CHARS)
    };
    let Some(head) = head else {
        return reveal(&p.text);
    };
    let total = p.text.chars().count();
    let onclick = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(true))
    };
    html! {
        <>
            { reveal(head) }
            <span class="clipped-note">{ format!(" … {} more characters hidden ", total - CLIP_CHARS) }</span>
            <button type="button" class="show-all" {onclick}>{ format!("Show all {total} characters") }</button>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clip_cuts_at_a_character_boundary_and_leaves_short_text_alone() {
        assert_eq!(clip("short", 10), None);
        assert_eq!(clip("exactly", 7), None);
        assert_eq!(clip("é\u{202E}abc", 2), Some("é\u{202E}"));
    }
}
