//! One component per file; each takes `<Name>Props` and renders engine output.

pub mod decoded_view;

pub use decoded_view::DecodedView;
