//! Reading `HALLPASS_*` variables as configuration keys, and figment's
//! errors as one line.

use super::{Config, ConfigError};

/// Figment's messages name the key and the file; keep them, in one line
/// (a TOML parse error arrives with a drawn snippet, which is dropped).
pub(super) fn describe(err: figment::Error) -> String {
    err.into_iter()
        .map(|e| {
            e.to_string()
                .lines()
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty()
                        && !l.starts_with('|')
                        && !l
                            .split('|')
                            .next()
                            .is_some_and(|n| n.trim().parse::<u32>().is_ok() && l.contains('|'))
                })
                .collect::<Vec<_>>()
                .join(": ")
                .replace("key \"default.", "key \"")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Known configuration keys, as dotted paths, with the JSON type of their default.
fn known_keys() -> Vec<(String, serde_json::Value)> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            leaf => out.push((prefix.to_owned(), leaf.clone())),
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::to_value(Config::default()) {
        walk("", &value, &mut out);
    }
    out
}

/// `HALLPASS_TOKENS__ACCESS_TOKEN_TTL_SECS=600` → (`tokens.access_token_ttl_secs`, 600).
/// `HALLPASS_MASTER_KEY_FILE=/run/secrets/k` reads the value from the file.
pub(super) fn environment(
    env: impl Iterator<Item = (String, String)>,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, serde_json::Value)>, ConfigError> {
    let known = known_keys();
    let mut values = Vec::new();
    let mut env: Vec<_> = env.filter(|(name, _)| name.starts_with("HALLPASS_")).collect();
    env.sort();
    for (name, raw) in env {
        let rest = &name["HALLPASS_".len()..];
        let key = rest.to_ascii_lowercase().replace("__", ".");
        let (key, raw) = match known.iter().find(|(k, _)| *k == key) {
            Some(_) => (key, raw),
            None => match key
                .strip_suffix("_file")
                .filter(|k| known.iter().any(|(known, _)| known == k))
            {
                Some(base) => {
                    let content = std::fs::read_to_string(&raw)
                        .map_err(|e| ConfigError::Load(format!("{name}: cannot read {raw}: {e}")))?;
                    (base.to_owned(), content.trim_end_matches(['\n', '\r']).to_owned())
                }
                None => {
                    if !IGNORED_VARIABLES.contains(&name.as_str()) {
                        warnings.push(format!("ignoring unknown environment variable {name}"));
                    }
                    continue;
                }
            },
        };
        let default = known
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        values.push((key.clone(), typed(&name, &raw, &default)?));
    }
    Ok(values)
}

/// Variables that share the prefix but configure something else (the test suite).
const IGNORED_VARIABLES: &[&str] = &["HALLPASS_TEST_DATABASE_URL", "HALLPASS_CONFIG"];

/// An environment string read as the type of the key's default.
fn typed(name: &str, raw: &str, default: &serde_json::Value) -> Result<serde_json::Value, ConfigError> {
    let bad = |what: &str| ConfigError::Load(format!("{name}: `{raw}` is not {what}"));
    Ok(match default {
        serde_json::Value::Bool(_) => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => serde_json::Value::Bool(true),
            "false" | "0" | "no" | "off" => serde_json::Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        serde_json::Value::Number(_) => {
            serde_json::Value::Number(raw.trim().parse::<u64>().map_err(|_| bad("a whole number"))?.into())
        }
        _ => serde_json::Value::String(raw.to_owned()),
    })
}
