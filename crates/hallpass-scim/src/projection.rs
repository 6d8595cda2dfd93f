//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which
//! attributes a response carries. `id` and `schemas` always, `password`
//! never.

use crate::error::ScimError;
use crate::path::{get_ci, key_ci, AttrPath, Scope};
use crate::resource::ResourceKind;
use crate::schema::Returned;
use serde_json::{Map, Value};

/// A parsed `attributes` or `excludedAttributes` list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projection {
    pub attributes: Vec<AttrPath>,
    pub excluded: Vec<AttrPath>,
}

fn parse_list(list: Option<&str>) -> Result<Vec<AttrPath>, ScimError> {
    list.map(|l| {
        l.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(AttrPath::parse)
            .collect()
    })
    .unwrap_or(Ok(Vec::new()))
}

impl Projection {
    /// From the two query parameters (comma-separated paths).
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Result<Projection, ScimError> {
        Ok(Projection {
            attributes: parse_list(attributes)?,
            excluded: parse_list(excluded)?,
        })
    }

    /// `resource` with only the attributes asked for.
    pub fn apply(&self, kind: ResourceKind, resource: &Value) -> Value {
        let Some(object) = resource.as_object() else {
            return resource.clone();
        };
        let scope = Scope::Resource(kind);
        let mut out = if self.attributes.is_empty() {
            let mut all = object.clone();
            for path in &self.excluded {
                remove(scope, &mut all, path);
            }
            all
        } else {
            let mut some = Map::new();
            for path in &self.attributes {
                copy(scope, object, &mut some, path);
            }
            some
        };
        for always in ["schemas", "id"] {
            if let Some(v) = object.get(always) {
                out.insert(always.to_string(), v.clone());
            }
        }
        out.remove("password");
        Value::Object(out)
    }
}

/// An attribute's name and perhaps one of its sub-attributes.
type Named = (&'static str, Option<&'static str>);

/// The key a path's attribute lives under at the top level, and the
/// attribute's name inside it (`None` for a whole extension).
fn locate(scope: Scope, path: &AttrPath) -> Option<(Option<&'static str>, Option<Named>)> {
    if path.name.is_empty() {
        let urn = path.urn.as_deref()?;
        let Scope::Resource(kind) = scope else { return None };
        let ext = kind.extensions().iter().find(|s| s.id.eq_ignore_ascii_case(urn))?;
        return Some((Some(ext.id), None));
    }
    let resolved = scope.resolve(path)?;
    if resolved.attr.returned == Returned::Always {
        return None;
    }
    Some((
        resolved.extension,
        Some((resolved.attr.name, resolved.sub.map(|s| s.name))),
    ))
}

fn copy(scope: Scope, from: &Map<String, Value>, to: &mut Map<String, Value>, path: &AttrPath) {
    let Some((extension, attr)) = locate(scope, path) else {
        return;
    };
    let (source, target) = match extension {
        Some(urn) => {
            let Some(source) = get_ci(from, urn).and_then(Value::as_object) else {
                return;
            };
            let slot = to.entry(urn.to_string()).or_insert_with(|| Value::Object(Map::new()));
            let Some(target) = slot.as_object_mut() else { return };
            (source, target)
        }
        None => (from, to),
    };
    let Some((name, sub)) = attr else {
        target.extend(source.clone());
        return;
    };
    let Some(value) = get_ci(source, name) else { return };
    let Some(sub) = sub else {
        target.insert(name.to_string(), value.clone());
        return;
    };
    let pick = |v: &Value| {
        v.as_object()
            .and_then(|o| get_ci(o, sub))
            .map(|s| (sub.to_string(), s.clone()))
    };
    match value {
        Value::Array(items) => {
            let existing = target
                .entry(name.to_string())
                .or_insert_with(|| Value::Array(vec![Value::Null; items.len()]));
            if let Some(list) = existing.as_array_mut() {
                for (slot, item) in list.iter_mut().zip(items) {
                    if let Some((k, v)) = pick(item) {
                        if !slot.is_object() {
                            *slot = Value::Object(Map::new());
                        }
                        if let Some(o) = slot.as_object_mut() {
                            o.insert(k, v);
                        }
                    }
                }
                list.retain(|v| !v.is_null());
            }
        }
        other => {
            if let Some((k, v)) = pick(other) {
                let slot = target
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(o) = slot.as_object_mut() {
                    o.insert(k, v);
                }
            }
        }
    }
}

fn remove(scope: Scope, object: &mut Map<String, Value>, path: &AttrPath) {
    let Some((extension, attr)) = locate(scope, path) else {
        return;
    };
    let holder = match extension {
        Some(urn) => {
            if attr.is_none() {
                let key = key_ci(object, urn);
                object.remove(&key);
                return;
            }
            let key = key_ci(object, urn);
            match object.get_mut(&key).and_then(Value::as_object_mut) {
                Some(o) => o,
                None => return,
            }
        }
        None => object,
    };
    let Some((name, sub)) = attr else { return };
    let key = key_ci(holder, name);
    match sub {
        None => {
            holder.remove(&key);
        }
        Some(sub) => match holder.get_mut(&key) {
            Some(Value::Array(items)) => {
                for o in items.iter_mut().filter_map(Value::as_object_mut) {
                    let k = key_ci(o, sub);
                    o.remove(&k);
                }
            }
            Some(Value::Object(o)) => {
                let k = key_ci(o, sub);
                o.remove(&k);
            }
            _ => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "schemas": [schema::USER, schema::ENTERPRISE_USER],
            "id": "u1",
            "userName": "bob",
            "displayName": "Bob",
            "name": {"givenName": "Bob", "familyName": "B"},
            "emails": [{"value": "a@x.test", "type": "work"}, {"value": "b@x.test", "type": "home"}],
            "meta": {"resourceType": "User"},
            schema::ENTERPRISE_USER: {"department": "D", "costCenter": "C"}
        })
    }

    fn project(attributes: Option<&str>, excluded: Option<&str>) -> Value {
        Projection::parse(attributes, excluded)
            .unwrap()
            .apply(ResourceKind::User, &user())
    }

    #[test]
    fn attributes_keeps_only_those_plus_id_and_schemas() {
        let out = project(Some("DISPLAYNAME,name.givenName,emails.value"), None);
        assert_eq!(
            out,
            json!({
                "schemas": [schema::USER, schema::ENTERPRISE_USER],
                "id": "u1",
                "displayName": "Bob",
                "name": {"givenName": "Bob"},
                "emails": [{"value": "a@x.test"}, {"value": "b@x.test"}]
            })
        );
    }

    #[test]
    fn attributes_with_urns() {
        let out = project(
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
            None,
        );
        assert_eq!(out[schema::ENTERPRISE_USER], json!({"department": "D"}));
        let out = project(Some(schema::ENTERPRISE_USER), None);
        assert_eq!(
            out[schema::ENTERPRISE_USER],
            json!({"department": "D", "costCenter": "C"})
        );
        let out = project(Some("urn:ietf:params:scim:schemas:core:2.0:User:userName"), None);
        assert_eq!(out["userName"], "bob");
    }

    #[test]
    fn excluded_attributes_drops_those_but_never_id() {
        let out = project(None, Some("emails,name.familyName,id,meta"));
        assert!(out.get("emails").is_none());
        assert!(out.get("meta").is_none());
        assert_eq!(out["name"], json!({"givenName": "Bob"}));
        assert_eq!(out["id"], "u1");
        let out = project(None, Some(schema::ENTERPRISE_USER));
        assert!(out.get(schema::ENTERPRISE_USER).is_none());
    }

    #[test]
    fn a_bad_path_is_refused() {
        assert!(Projection::parse(Some("name..x"), None).is_err());
    }
}
