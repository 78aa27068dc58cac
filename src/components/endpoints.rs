//! Well-known Microsoft key endpoints. Keyhole never fetches: each link opens the endpoint in a
//! new tab (no opener, no referrer) and adds an empty key set with its source URL filled in, so
//! the analyst pastes what the tab shows.

use yew::prelude::*;

use crate::state::Action;

/// (cloud, host) pairs, from Entra instance discovery.
const CLOUDS: &[(&str, &str)] = &[
    ("Global", "login.microsoftonline.com"),
    ("US Government", "login.microsoftonline.us"),
    ("China (21Vianet)", "login.partner.microsoftonline.cn"),
];

/// (audience, path) pairs; consumers exist only in the global cloud.
const PATHS: &[(&str, &str, bool)] = &[
    ("common v2", "common/discovery/v2.0/keys", true),
    (
        "organizations v2",
        "organizations/discovery/v2.0/keys",
        true,
    ),
    ("consumers v2", "consumers/discovery/v2.0/keys", false),
    ("common v1", "common/discovery/keys", true),
    ("organizations v1", "organizations/discovery/keys", true),
    ("consumers v1", "consumers/discovery/keys", false),
];

/// Every endpoint URL offered, for tests and the README.
pub fn endpoint_urls() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (cloud, host) in CLOUDS {
        for (label, path, all_clouds) in PATHS {
            if *all_clouds || *host == "login.microsoftonline.com" {
                out.push((
                    format!("{cloud} · {label}"),
                    format!("https://{host}/{path}"),
                ));
            }
        }
    }
    out
}

/// The endpoint links. A plain function rather than a component: it has no state, and each
/// component type costs the page's start module about 4 KB of Yew's generic code.
pub fn endpoints(on_action: &Callback<Action>) -> Html {
    html! {
        <details class="endpoints">
            <summary>{ "Get keys from a Microsoft endpoint (opens a new tab; Keyhole never fetches)" }</summary>
            <ul>
                { for endpoint_urls().into_iter().map(|(label, url)| {
                    let source = url.clone();
                    let onclick = on_action.reform(move |_: MouseEvent| Action::AddKeySet { source: source.clone(), document: String::new() });
                    html! {
                        <li>
                            <a href={url.clone()} target="_blank" rel="noopener noreferrer" {onclick}>{ label }</a>
                            <code class="url">{ url }</code>
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}
