//! `keyhole` for Python: the Keyhole engine where analysts hold their tokens (notebooks,
//! DuckDB, pandas). Two calls:
//! - `check(case)`: a case file (as a dict) in, the report out — the JSON `keyhole check`
//!   prints for that case, made by the CLI's own analysis code (below), so the same verdicts;
//! - `check_many(tokens, key_sets, now=None)`: an iterator of one flat record per token, judged
//!   a slice at a time (memory bounded by the slice, not the input), for DataFrames and UDFs;
//! - `check_arrow(...)` / `check_frame(...)`: the same records as a `pyarrow.Table` or a
//!   `pandas.DataFrame`, built column by column (each library imported only when asked for).
//!
//! Judging runs with the interpreter released (`Python::detach`, PyO3's name for what was
//! `allow_threads`) on a rayon pool, so other Python threads run meanwhile. Input the engine
//! refuses raises `ValueError` with the engine's message.

use std::collections::VecDeque;
use std::time::{SystemTime, UNIX_EPOCH};

use keyhole_engine::verify::JsonWebTokenVerifier;
use keyhole_engine::{Analysis, AnalyzeOptions, CaseFile};
use pyo3::exceptions::{PyImportError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use rayon::prelude::*;
use serde_json::Value;

// The CLI's analysis (rayon, case order kept) and its search of text of any size, compiled
// here from the CLI's own files rather than copied: `keyhole.check` and `keyhole check` must
// not drift apart. The CLI is a binary crate, so there is no library to depend on.
#[allow(dead_code)]
#[path = "../../cli/src/analysis.rs"]
mod analysis;
#[allow(dead_code)]
#[path = "../../cli/src/search.rs"]
mod search;
// The flat record, shared with `keyhole check --stream`.
#[path = "../../cli/src/record.rs"]
mod record;

use record::Record;

/// Tokens judged per batch of `check_many`: the CLI's slice, enough to keep every core busy.
const SLICE: usize = 4096;

fn clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `json.dumps(value)`: the case file's text, exactly as the CLI would read it from a file.
fn dumps(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    py.import("json")?
        .call_method1("dumps", (value,))
        .map_err(|e| PyValueError::new_err(format!("{what} is not JSON: {e}")))?
        .extract()
}

/// `now` as Unix seconds or a UTC time like `2023-06-20T12:00:00Z` (as the CLI's `--now`).
fn parse_now(now: &Bound<'_, PyAny>) -> PyResult<i64> {
    if let Ok(seconds) = now.extract::<i64>() {
        return Ok(seconds);
    }
    let text: String = now.extract().map_err(|_| {
        PyValueError::new_err("now must be Unix seconds (int) or a UTC time string")
    })?;
    keyhole_engine::time::parse_utc(&text).ok_or_else(|| {
        PyValueError::new_err(format!(
            "now {text:?} is neither Unix seconds nor a UTC time like 2023-06-20T12:00:00Z"
        ))
    })
}

/// Analyses a case file (a dict with `key_sets`, `tokens`, `text`, `now`, …) and returns the
/// report: the JSON `keyhole check` prints for the same case file.
#[pyfunction]
#[pyo3(signature = (case, /))]
fn check(py: Python<'_>, case: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let text = dumps(py, case, "the case")?;
    let report = py
        .detach(move || -> Result<String, String> {
            let case = CaseFile::from_json(&text).map_err(|e| e.to_string())?;
            let threads = analysis::default_threads();
            // With the built-in catalogue of published keys, as `keyhole check` by default.
            let report = analysis::analyze(case, &AnalyzeOptions::at(clock()), threads, true)?;
            serde_json::to_string(&report).map_err(|e| format!("cannot render the report: {e}"))
        })
        .map_err(PyValueError::new_err)?;
    Ok(py
        .import("json")?
        .call_method1("loads", (report,))?
        .unbind())
}

/// Judges `tokens` (any iterable of strings) against `key_sets` (the case file's `key_sets`:
/// dicts with `document` and optionally `source` and `issuer`) and `hmac_secrets` (the case
/// file's, optional) at `now` (Unix seconds or a UTC string; default: the current time).
/// Returns an iterator of one flat dict per token, in input order.
#[pyfunction]
#[pyo3(signature = (tokens, key_sets, now = None, *, hmac_secrets = None))]
fn check_many(
    py: Python<'_>,
    tokens: &Bound<'_, PyAny>,
    key_sets: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    hmac_secrets: Option<&Bound<'_, PyAny>>,
) -> PyResult<Records> {
    let now = now.map(parse_now).transpose()?;
    let head = PyDict::new(py);
    head.set_item("key_sets", key_sets)?;
    if let Some(secrets) = hmac_secrets {
        head.set_item("hmac_secrets", secrets)?;
    }
    let head = dumps(py, head.as_any(), "key_sets or hmac_secrets")?;
    let mut texts = Vec::new();
    for t in tokens.try_iter()? {
        let t = t?;
        let text: String = t.extract().map_err(|_| {
            PyValueError::new_err(format!(
                "tokens must be strings; item {} is {}",
                texts.len(),
                t.get_type()
                    .name()
                    .map_or_else(|_| "not a string".to_owned(), |n| n.to_string())
            ))
        })?;
        texts.push(text);
    }
    let analysis = py
        .detach(move || -> Result<Analysis<'static>, String> {
            let mut case = CaseFile::from_json(&head).map_err(|e| e.to_string())?;
            case.tokens = texts;
            case.now = now;
            let mut analysis = Analysis::new(&case, &AnalyzeOptions::at(clock()));
            analysis.add_case(case);
            Ok(analysis)
        })
        .map_err(PyValueError::new_err)?;
    Ok(Records {
        analysis,
        ready: VecDeque::new(),
    })
}

/// `check_many`'s records as a `pyarrow.Table`, one row per token in input order: index
/// (int64), verdict, kid, tenant, cloud, iss, aud (strings; an `aud` array and any other
/// non-string value as its JSON text), codes (list of strings), iat (int64, whole seconds),
/// fingerprint, location. Raises ImportError when pyarrow is not installed.
#[pyfunction]
#[pyo3(signature = (tokens, key_sets, now = None, *, hmac_secrets = None))]
fn check_arrow<'py>(
    py: Python<'py>,
    tokens: &Bound<'py, PyAny>,
    key_sets: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
    hmac_secrets: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let pa = import_for(py, "pyarrow", "check_arrow")?;
    let columns = Columns::judge(check_many(py, tokens, key_sets, now, hmac_secrets)?, py);
    let table = PyDict::new(py);
    let typed =
        |values: Bound<'py, PyAny>, ty: Bound<'py, PyAny>| pa.call_method1("array", (values, ty));
    let string = pa.call_method0("string")?;
    let int64 = pa.call_method0("int64")?;
    for (name, values) in columns.into_lists(py)? {
        let ty = match name {
            "index" | "iat" => int64.clone(),
            "codes" => pa.call_method1("list_", (string.clone(),))?,
            _ => string.clone(),
        };
        table.set_item(name, typed(values, ty)?)?;
    }
    pa.call_method1("table", (table,))
}

/// `check_many`'s records as a `pandas.DataFrame` (the columns of [`check_arrow`]; `iat` is
/// pandas' nullable Int64, `codes` holds lists). Raises ImportError when pandas is not
/// installed.
#[pyfunction]
#[pyo3(signature = (tokens, key_sets, now = None, *, hmac_secrets = None))]
fn check_frame<'py>(
    py: Python<'py>,
    tokens: &Bound<'py, PyAny>,
    key_sets: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
    hmac_secrets: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let pd = import_for(py, "pandas", "check_frame")?;
    let columns = Columns::judge(check_many(py, tokens, key_sets, now, hmac_secrets)?, py);
    let frame = PyDict::new(py);
    for (name, values) in columns.into_lists(py)? {
        let values = match name {
            "index" | "iat" => {
                let kwargs = PyDict::new(py);
                kwargs.set_item("dtype", if name == "iat" { "Int64" } else { "int64" })?;
                pd.call_method("array", (values,), Some(&kwargs))?
            }
            _ => values,
        };
        frame.set_item(name, values)?;
    }
    pd.call_method1("DataFrame", (frame,))
}

/// `import name`, or an ImportError saying which call needs it and how to get it.
fn import_for<'py>(py: Python<'py>, name: &str, call: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(name).map_err(|e| {
        PyImportError::new_err(format!(
            "keyhole.{call} needs {name}, which is not installed (pip install {name}): {e}"
        ))
    })
}

/// Every record of a `check_many` run, column by column.
#[derive(Default)]
struct Columns {
    index: Vec<usize>,
    verdict: Vec<Option<String>>,
    codes: Vec<Vec<String>>,
    kid: Vec<Option<String>>,
    tenant: Vec<Option<String>>,
    cloud: Vec<Option<String>>,
    iss: Vec<Option<String>>,
    aud: Vec<Option<String>>,
    iat: Vec<Option<i64>>,
    fingerprint: Vec<String>,
    location: Vec<String>,
}

/// A JSON value as a table cell: strings as they are, other values as their JSON text.
fn cell(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

impl Columns {
    /// Judges every token of `records` (the interpreter released), column by column.
    fn judge(mut records: Records, py: Python<'_>) -> Columns {
        py.detach(|| {
            let mut c = Columns::default();
            loop {
                let batch = records.judge_next_slice();
                if batch.is_empty() {
                    return c;
                }
                for r in batch {
                    c.push(r);
                }
            }
        })
    }

    fn push(&mut self, r: Record) {
        self.index.push(r.index);
        self.verdict.push(cell(r.verdict));
        self.codes.push(r.codes);
        self.kid.push(cell(r.kid));
        self.tenant.push(r.tenant);
        self.cloud.push(cell(r.cloud));
        self.iss.push(cell(r.iss));
        self.aud.push(cell(r.aud));
        #[allow(clippy::cast_possible_truncation)]
        self.iat.push(r.iat.as_i64().or_else(|| {
            r.iat
                .as_f64()
                .filter(|f| f.is_finite())
                .map(|f| f.floor() as i64)
        }));
        self.fingerprint.push(r.fingerprint);
        self.location.push(r.location);
    }

    /// The columns as Python lists, in the records' member order.
    fn into_lists(self, py: Python<'_>) -> PyResult<Vec<(&'static str, Bound<'_, PyAny>)>> {
        Ok(vec![
            ("index", PyList::new(py, self.index)?.into_any()),
            ("verdict", PyList::new(py, self.verdict)?.into_any()),
            ("codes", PyList::new(py, self.codes)?.into_any()),
            ("kid", PyList::new(py, self.kid)?.into_any()),
            ("tenant", PyList::new(py, self.tenant)?.into_any()),
            ("cloud", PyList::new(py, self.cloud)?.into_any()),
            ("iss", PyList::new(py, self.iss)?.into_any()),
            ("aud", PyList::new(py, self.aud)?.into_any()),
            ("iat", PyList::new(py, self.iat)?.into_any()),
            ("fingerprint", PyList::new(py, self.fingerprint)?.into_any()),
            ("location", PyList::new(py, self.location)?.into_any()),
        ])
    }
}

/// The iterator `check_many` returns: tokens are judged `SLICE` at a time, as it is read.
#[pyclass(module = "keyhole")]
struct Records {
    analysis: Analysis<'static>,
    ready: VecDeque<Record>,
}

#[pymethods]
impl Records {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(mut slf: PyRefMut<'_, Self>) -> PyResult<Option<Py<PyDict>>> {
        let py = slf.py();
        if slf.ready.is_empty() {
            let this = &mut *slf;
            let batch = py.detach(|| this.judge_next_slice());
            this.ready.extend(batch);
        }
        slf.ready
            .pop_front()
            .map(|r| r.into_dict(py).map(Bound::unbind))
            .transpose()
    }
}

impl Records {
    fn judge_next_slice(&mut self) -> Vec<Record> {
        let Some(slice) = self.analysis.next_slice(SLICE) else {
            return Vec::new();
        };
        let judge = self.analysis.judging();
        slice
            .into_tokens()
            .into_par_iter()
            .map(|t| Record::of(judge.token(t, &JsonWebTokenVerifier)))
            .collect()
    }
}

/// The record as a dict (the CLI's `check --stream` writes the same record as a JSON line).
impl Record {
    fn into_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("index", self.index)?;
        d.set_item("verdict", to_py(py, &self.verdict)?)?;
        d.set_item("codes", PyList::new(py, &self.codes)?)?;
        d.set_item("kid", to_py(py, &self.kid)?)?;
        d.set_item("tenant", self.tenant)?;
        d.set_item("cloud", to_py(py, &self.cloud)?)?;
        d.set_item("iss", to_py(py, &self.iss)?)?;
        d.set_item("aud", to_py(py, &self.aud)?)?;
        d.set_item("iat", to_py(py, &self.iat)?)?;
        d.set_item("fingerprint", self.fingerprint)?;
        d.set_item("location", self.location)?;
        Ok(d)
    }
}

/// A JSON value as the Python value `json.loads` would give.
fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(members) => {
            let dict = PyDict::new(py);
            for (k, item) in members {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

#[pymodule]
fn keyhole(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(check_many, m)?)?;
    m.add_function(wrap_pyfunction!(check_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(check_frame, m)?)?;
    m.add_class::<Records>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
