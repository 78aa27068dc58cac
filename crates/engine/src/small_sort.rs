//! Sorting the handful of items a finding lists (key ids, thumbprints, key sets), without
//! `slice::sort`: each of its instantiations adds 5–10 KB of wasm to the web app's start bundle,
//! and these lists hold a few elements.

/// Sorts `v` in place by `less` (stable insertion sort: quadratic, for short lists only).
pub(crate) fn sort_by<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v.get(j).zip(v.get(j - 1)).is_some_and(|(a, b)| less(a, b)) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sorts_stably() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        super::sort_by(&mut v, |a, b| a.0 < b.0);
        assert_eq!(v, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut empty: Vec<u8> = Vec::new();
        super::sort_by(&mut empty, |a, b| a < b);
        assert!(empty.is_empty());
    }
}
