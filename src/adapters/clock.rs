//! The current time for the default "analyse as of" (the engine itself has no clock).

/// Now, Unix seconds.
pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
