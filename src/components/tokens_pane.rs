//! The tokens pane: takes anything (a token, request headers, a log excerpt, a HAR file).

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct TokensPaneProps {
    pub text: AttrValue,
    pub case_tokens: usize,
    pub on_action: Callback<Action>,
}

#[function_component(TokensPane)]
pub fn tokens_pane(p: &TokensPaneProps) -> Html {
    let oninput = p.on_action.reform(|e: InputEvent| {
        let area: HtmlTextAreaElement = e.target_unchecked_into();
        Action::SetText(area.value())
    });
    html! {
        <section class="pane tokens-pane" aria-labelledby="tokens-input-label">
            <label id="tokens-input-label" for="tokens-input">{ "Tokens, headers, logs or a HAR file" }</label>
            <textarea id="tokens-input" rows="7" spellcheck="false" autocomplete="off" autocapitalize="off"
                aria-describedby="tokens-help" placeholder="eyJhbGciOi…   or   Authorization: Bearer eyJ…   or a whole log / HAR"
                value={p.text.clone()} {oninput} />
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
