//! The tokens pane: takes anything (a token, request headers, a log excerpt, a HAR file).

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties)]
pub struct TokensPaneProps {
    pub text: AttrValue,
    /// `Workspace::text_epoch`: the text is written into the textarea only when this changes.
    pub epoch: u64,
    pub case_tokens: usize,
    /// The text is a key document, not tokens (`Workspace::text_is_keys`).
    pub is_keys: bool,
    pub on_action: Callback<Action>,
}

/// The text counts only through `epoch` (typing changes the text, not what the pane shows),
/// which also spares comparing megabytes of text on every re-render of the page.
impl PartialEq for TokensPaneProps {
    fn eq(&self, other: &Self) -> bool {
        self.epoch == other.epoch
            && self.case_tokens == other.case_tokens
            && self.is_keys == other.is_keys
            && self.on_action == other.on_action
    }
}

/// The textarea is not a controlled `value`: Yew would read the whole value back from the DOM
/// on every re-render to compare (tens of ms for a 10 MB paste), so the pane writes the text
/// only when it was replaced from outside (a file, a case, reset) and otherwise leaves the
/// textarea to the analyst.
#[function_component(TokensPane)]
pub fn tokens_pane(p: &TokensPaneProps) -> Html {
    let area = use_node_ref();
    {
        let area = area.clone();
        let text = p.text.clone();
        use_effect_with(p.epoch, move |_| {
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                a.set_value(&text);
            }
        });
    }
    let oninput = p.on_action.reform(|e: InputEvent| {
        let area: HtmlTextAreaElement = e.target_unchecked_into();
        Action::TypedText(area.value())
    });
    html! {
        <section class="pane tokens-pane" aria-labelledby="tokens-input-label">
            <label id="tokens-input-label" for="tokens-input">{ "Tokens, headers, logs or a HAR file" }</label>
            <textarea id="tokens-input" rows="7" spellcheck="false" autocomplete="off" autocapitalize="off"
                aria-describedby="tokens-help" placeholder="eyJhbGciOi…   or   Authorization: Bearer eyJ…   or a whole log / HAR"
                ref={area} {oninput} />
            if p.is_keys {
                <p class="keys-in-tokens" role="alert">
                    { "This is a key document (JWKS, JWK, OpenID configuration, PEM or certificate), not tokens: no token can be found in it. " }
                    <button type="button" id="move-to-key-sets" onclick={p.on_action.reform(|_| Action::MoveTextToKeySet)}>{ "Move it to the trusted keys" }</button>
                </p>
            }
            <p id="tokens-help" class="hint">{ "Every token in the text is found (headers, cookies, URLs, JSON, HAR). Nothing leaves this page. You can also drop files anywhere." }</p>
            if p.case_tokens > 0 {
                <p class="case-tokens">
                    { format!("Plus {} token(s) listed by the opened case file. ", p.case_tokens) }
                    <button type="button" onclick={p.on_action.reform(|_| Action::ClearCaseTokens)}>{ "Remove them" }</button>
                </p>
            }
        </section>
    }
}
