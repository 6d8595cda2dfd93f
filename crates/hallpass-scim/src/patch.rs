//! PATCH (RFC 7644 §3.5.2) applied to a stored resource: `add`, `replace` and
//! `remove`, with and without `path`, with value filters
//! (`members[value eq "…"]`, `emails[type eq "work"].value`), and the shapes
//! Okta and Microsoft Entra ID send: capitalised op names (`"Replace"`),
//! booleans as strings (`"False"`), path-less values whose keys are paths
//! (`{"name.givenName": "Al"}`, `{"urn:…:enterprise:2.0:User:department": …}`),
//! and `remove` on `members` with the values to take out.
//!
//! The result is not checked here: pass it through
//! [`crate::ResourceKind::normalize`], which coerces and validates it.

use crate::error::ScimError;
use crate::filter::Filter;
use crate::path::{get_ci, key_ci, AttrPath, Resolved, Scope};
use crate::resource::ResourceKind;
use crate::schema::{self, Mutability, Type};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Replace,
    Remove,
}

/// A PATCH target: an attribute, perhaps a filter on its values, perhaps a
/// sub-attribute (`emails[type eq "work"].value`).
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
}

impl PatchPath {
    pub fn parse(text: &str) -> Result<PatchPath, ScimError> {
        let text = text.trim();
        let Some(open) = text.find('[') else {
            return Ok(PatchPath {
                attr: AttrPath::parse(text)?,
                filter: None,
            });
        };
        let close = text
            .rfind(']')
            .filter(|c| *c > open)
            .ok_or_else(|| ScimError::invalid_path(format!("`{text}`: a value filter must end with `]`")))?;
        let mut attr = AttrPath::parse(text.get(..open).unwrap_or(""))?;
        if attr.sub.is_some() {
            return Err(ScimError::invalid_path(format!(
                "`{text}`: a value filter follows an attribute"
            )));
        }
        let inner = text.get(open + 1..close).unwrap_or("");
        let filter = Filter::parse(inner).map_err(|e| ScimError::invalid_path(e.detail))?;
        let rest = text.get(close + 1..).unwrap_or("");
        if !rest.is_empty() {
            let sub = rest
                .strip_prefix('.')
                .filter(|s| AttrPath::parse(s).is_ok_and(|p| p.urn.is_none() && p.sub.is_none()))
                .ok_or_else(|| ScimError::invalid_path(format!("`{text}` is not a path")))?;
            attr.sub = Some(sub.to_string());
        }
        Ok(PatchPath {
            attr,
            filter: Some(filter),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatchOperation {
    pub op: Op,
    pub path: Option<PatchPath>,
    pub value: Option<Value>,
}

/// A PatchOp request body.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchRequest {
    pub operations: Vec<PatchOperation>,
}

impl PatchRequest {
    pub fn parse(body: &Value) -> Result<PatchRequest, ScimError> {
        let object = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("A PATCH body is a JSON object."))?;
        let schemas_ok = get_ci(object, "schemas").and_then(Value::as_array).is_some_and(|s| {
            s.iter()
                .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(schema::PATCH_OP)))
        });
        if !schemas_ok {
            return Err(ScimError::invalid_syntax(format!(
                "`schemas` must be [\"{}\"].",
                schema::PATCH_OP
            )));
        }
        let ops = get_ci(object, "Operations")
            .and_then(Value::as_array)
            .filter(|o| !o.is_empty())
            .ok_or_else(|| ScimError::invalid_syntax("`Operations` must list at least one operation."))?;
        let mut operations = Vec::with_capacity(ops.len());
        for op in ops {
            let op = op
                .as_object()
                .ok_or_else(|| ScimError::invalid_syntax("Each operation is an object."))?;
            let name = get_ci(op, "op").and_then(Value::as_str).unwrap_or("");
            let kind = match name.to_ascii_lowercase().as_str() {
                "add" => Op::Add,
                "replace" => Op::Replace,
                "remove" => Op::Remove,
                _ => {
                    return Err(ScimError::invalid_syntax(format!(
                        "`{name}` is not add, replace or remove."
                    )))
                }
            };
            let path = match get_ci(op, "path") {
                None | Some(Value::Null) => None,
                Some(Value::String(p)) if p.trim().is_empty() => None,
                Some(Value::String(p)) => Some(PatchPath::parse(p)?),
                Some(_) => return Err(ScimError::invalid_path("`path` must be a string.")),
            };
            let value = get_ci(op, "value").cloned();
            match (kind, &path, &value) {
                (Op::Remove, None, _) => return Err(ScimError::no_target("`remove` needs a `path`.")),
                (Op::Add | Op::Replace, _, None) => {
                    return Err(ScimError::invalid_value(format!("`{name}` needs a `value`.")))
                }
                (Op::Add | Op::Replace, None, Some(v)) if !v.is_object() => {
                    return Err(ScimError::invalid_value("Without a `path`, `value` must be an object."))
                }
                _ => {}
            }
            operations.push(PatchOperation { op: kind, path, value });
        }
        Ok(PatchRequest { operations })
    }

    /// Applies every operation in order to `doc` (a stored resource).
    pub fn apply(&self, kind: ResourceKind, doc: &mut Value) -> Result<(), ScimError> {
        for operation in &self.operations {
            match (&operation.path, &operation.value) {
                (Some(path), value) => apply_at(kind, doc, operation.op, path, value.as_ref())?,
                (None, Some(Value::Object(members))) => {
                    for (key, value) in members {
                        apply_key(kind, doc, operation.op, key, value)?;
                    }
                }
                _ => return Err(ScimError::invalid_value("Nothing to apply.")),
            }
        }
        Ok(())
    }
}

/// A member of a path-less value: an attribute name, a path
/// (`name.givenName`, `urn:…:User:department`) or an extension's URN whose
/// object holds its attributes.
fn apply_key(kind: ResourceKind, doc: &mut Value, op: Op, key: &str, value: &Value) -> Result<(), ScimError> {
    if key.eq_ignore_ascii_case("schemas") {
        return Ok(());
    }
    let path = PatchPath::parse(key)?;
    // Okta renames a group with `{"id": …, "displayName": …}`: read-only
    // members of a path-less value are the resource's own, and left alone.
    let resolved = Scope::Resource(kind).resolve(&path.attr);
    if resolved.is_some_and(|r| r.attr.mutability == Mutability::ReadOnly) {
        return Ok(());
    }
    apply_at(kind, doc, op, &path, Some(value))
}

/// A path that is an extension's URN names the extension's whole object:
/// `remove` drops it, `add` and `replace` set the attributes in the value
/// (as for a complex attribute, those not named are left as they were).
fn apply_extension(
    kind: ResourceKind,
    doc: &mut Value,
    op: Op,
    urn: &str,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let ext = kind
        .extensions()
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(urn))
        .ok_or_else(|| ScimError::invalid_path(format!("`{urn}` is not an extension of {}.", kind.name())))?;
    if op == Op::Remove {
        if let Some(root) = doc.as_object_mut() {
            let key = key_ci(root, ext.id);
            root.remove(&key);
        }
        return Ok(());
    }
    let members = value
        .and_then(Value::as_object)
        .ok_or_else(|| ScimError::invalid_value(format!("{} takes an object.", ext.id)))?;
    for (k, v) in members.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("schemas")) {
        let inner = PatchPath {
            attr: AttrPath {
                urn: Some(ext.id.to_string()),
                ..AttrPath::parse(k)?
            },
            filter: None,
        };
        apply_at(kind, doc, op, &inner, Some(v))?;
    }
    Ok(())
}

fn resolve(kind: ResourceKind, path: &PatchPath) -> Result<Resolved, ScimError> {
    let resolved = Scope::Resource(kind).resolve(&path.attr).ok_or_else(|| {
        ScimError::invalid_path(format!("`{}` is not an attribute of {}.", path.attr.name, kind.name()))
    })?;
    let read_only = |m: Mutability| m == Mutability::ReadOnly;
    if read_only(resolved.attr.mutability) || resolved.sub.is_some_and(|s| read_only(s.mutability)) {
        return Err(ScimError::mutability(format!("`{}` is read-only.", resolved.attr.name)));
    }
    if let Some(filter) = &path.filter {
        if !resolved.attr.multi || resolved.attr.kind != Type::Complex {
            return Err(ScimError::invalid_path(format!(
                "`{}` takes no value filter.",
                resolved.attr.name
            )));
        }
        filter
            .check(Scope::Within(resolved.attr))
            .map_err(|e| ScimError::invalid_path(e.detail))?;
    }
    Ok(resolved)
}

/// The object holding the attribute: the resource, or its extension's object
/// (created when absent).
fn holder<'a>(doc: &'a mut Value, extension: Option<&str>) -> Result<&'a mut Map<String, Value>, ScimError> {
    let broken = || ScimError::invalid_syntax("The stored resource is not an object.");
    let root = doc.as_object_mut().ok_or_else(broken)?;
    let Some(urn) = extension else { return Ok(root) };
    let key = key_ci(root, urn);
    let slot = root.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut().ok_or_else(broken)
}

fn as_list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        one => vec![one.clone()],
    }
}

/// Whether two values of a multi-valued attribute are the same value: equal
/// `value` sub-attributes for complex ones, equality otherwise.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a.get("value"), b.get("value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn merge_into(target: &mut Value, value: &Value) {
    match (target.as_object_mut(), value.as_object()) {
        (Some(t), Some(v)) => {
            for (k, x) in v {
                let key = key_ci(t, k);
                t.insert(key, x.clone());
            }
        }
        _ => *target = value.clone(),
    }
}

fn apply_at(
    kind: ResourceKind,
    doc: &mut Value,
    op: Op,
    path: &PatchPath,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    if path.attr.name.is_empty() {
        return apply_extension(kind, doc, op, path.attr.urn.as_deref().unwrap_or_default(), value);
    }
    let resolved = resolve(kind, path)?;
    let container = holder(doc, resolved.extension)?;
    let key = key_ci(container, resolved.attr.name);
    let sub = resolved.sub.map(|s| s.name);
    let value = value.cloned().unwrap_or(Value::Null);

    if let Some(filter) = &path.filter {
        let scope = Scope::Within(resolved.attr);
        let items = container.entry(key.clone()).or_insert_with(|| Value::Array(Vec::new()));
        if !items.is_array() {
            *items = Value::Array(as_list(items));
        }
        let Some(list) = items.as_array_mut() else {
            return Ok(());
        };
        match op {
            Op::Remove => match sub {
                None => list.retain(|item| !filter.matches(scope, item)),
                Some(sub) => {
                    for item in list.iter_mut().filter(|i| filter.matches(scope, i)) {
                        if let Some(o) = item.as_object_mut() {
                            let k = key_ci(o, sub);
                            o.remove(&k);
                        }
                    }
                }
            },
            Op::Add | Op::Replace => {
                let mut matched = 0;
                for item in list.iter_mut().filter(|i| filter.matches(scope, i)) {
                    matched += 1;
                    match sub {
                        Some(sub) => {
                            if let Some(o) = item.as_object_mut() {
                                let k = key_ci(o, sub);
                                o.insert(k, value.clone());
                            }
                        }
                        None if op == Op::Replace => *item = value.clone(),
                        None => merge_into(item, &value),
                    }
                }
                if matched == 0 {
                    // Entra ID sets `emails[type eq "work"].value` on users
                    // without a work address: the new value carries the
                    // filter's equalities.
                    let terms = filter.equalities().ok_or_else(|| {
                        ScimError::no_target(format!("No value of `{}` matches the filter.", resolved.attr.name))
                    })?;
                    let mut item = Map::new();
                    for (k, v) in terms {
                        item.insert(k, v);
                    }
                    match sub {
                        Some(sub) => {
                            item.insert(sub.to_string(), value.clone());
                        }
                        None => {
                            if let Some(v) = value.as_object() {
                                item.extend(v.clone());
                            }
                        }
                    }
                    list.push(Value::Object(item));
                }
            }
        }
        if list.is_empty() {
            container.remove(&key);
        }
        return Ok(());
    }

    match (op, sub) {
        (Op::Remove, None) => {
            let takes_values = resolved.attr.multi && !value.is_null();
            match (takes_values, container.get_mut(&key).and_then(Value::as_array_mut)) {
                // Entra ID: {"op":"Remove","path":"members","value":[{"value":"id"}]}
                (true, Some(list)) => {
                    let gone = as_list(&value);
                    list.retain(|item| !gone.iter().any(|g| same_value(item, g)));
                    if list.is_empty() {
                        container.remove(&key);
                    }
                }
                _ => {
                    container.remove(&key);
                }
            }
        }
        (Op::Remove, Some(sub)) => match container.get_mut(&key) {
            Some(Value::Object(o)) => {
                let k = key_ci(o, sub);
                o.remove(&k);
                if o.is_empty() {
                    container.remove(&key);
                }
            }
            Some(Value::Array(list)) => {
                for o in list.iter_mut().filter_map(Value::as_object_mut) {
                    let k = key_ci(o, sub);
                    o.remove(&k);
                }
            }
            _ => {}
        },
        (Op::Add | Op::Replace, Some(sub)) => {
            if resolved.attr.multi {
                return Err(ScimError::invalid_path(format!(
                    "`{}.{sub}` names many values: select them with a filter.",
                    resolved.attr.name
                )));
            }
            let slot = container.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Some(o) = slot.as_object_mut() {
                let k = key_ci(o, sub);
                o.insert(k, value);
            }
        }
        (Op::Add, None) if resolved.attr.multi => {
            let list = container.entry(key.clone()).or_insert_with(|| Value::Array(Vec::new()));
            if !list.is_array() {
                *list = Value::Array(as_list(list));
            }
            if let Some(list) = list.as_array_mut() {
                for new in as_list(&value) {
                    if new.get("primary") == Some(&Value::Bool(true)) {
                        for o in list.iter_mut().filter_map(Value::as_object_mut) {
                            o.remove("primary");
                        }
                    }
                    match list.iter_mut().find(|old| same_value(old, &new)) {
                        Some(old) => merge_into(old, &new),
                        None => list.push(new),
                    }
                }
            }
        }
        (Op::Add | Op::Replace, None) if resolved.attr.kind == Type::Complex && !resolved.attr.multi => {
            // Entra ID sends the enterprise `manager` as the manager's id alone.
            let value = match value {
                Value::String(id) if resolved.attr.sub_attribute("value").is_some() => json!({ "value": id }),
                other => other,
            };
            let slot = container.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !value.is_object() {
                return Err(ScimError::invalid_value(format!(
                    "`{}` takes an object.",
                    resolved.attr.name
                )));
            }
            merge_into(slot, &value);
        }
        (Op::Add | Op::Replace, None) => {
            let value = if resolved.attr.multi {
                Value::Array(as_list(&value))
            } else {
                value
            };
            container.insert(key, value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(kind: ResourceKind, doc: Value, body: Value) -> Result<Value, ScimError> {
        let mut doc = doc;
        PatchRequest::parse(&body)?.apply(kind, &mut doc)?;
        kind.normalize(&doc)
    }

    fn ops(ops: Value) -> Value {
        json!({"schemas": [schema::PATCH_OP], "Operations": ops})
    }

    fn bob() -> Value {
        json!({
            "schemas": [schema::USER],
            "userName": "bob@example.com",
            "active": true,
            "name": {"givenName": "Bob", "familyName": "Builder"},
            "emails": [{"value": "bob@example.com", "type": "work", "primary": true}]
        })
    }

    #[test]
    fn okta_deactivates_with_a_path_less_replace() {
        let out = patch(
            ResourceKind::User,
            bob(),
            ops(json!([{"op": "replace", "value": {"active": false}}])),
        )
        .unwrap();
        assert_eq!(out["active"], false);
    }

    #[test]
    fn entra_sends_capitalised_ops_and_booleans_as_strings() {
        let body = ops(json!([{"op": "Replace", "path": "active", "value": "False"}]));
        let out = patch(ResourceKind::User, bob(), body).unwrap();
        assert_eq!(out["active"], false);
        let body = ops(json!([{"op": "Add", "path": "active", "value": "True"}]));
        assert_eq!(patch(ResourceKind::User, out, body).unwrap()["active"], true);
    }

    #[test]
    fn path_less_values_with_dotted_and_urn_keys() {
        let body = ops(json!([{"op": "replace", "value": {
            "name.givenName": "Robert",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Sales",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7"},
            "displayName": "Robert B"
        }}]));
        let out = patch(ResourceKind::User, bob(), body).unwrap();
        assert_eq!(out["name"], json!({"givenName": "Robert", "familyName": "Builder"}));
        assert_eq!(
            out[schema::ENTERPRISE_USER],
            json!({"department": "Sales", "employeeNumber": "7"})
        );
        assert_eq!(out["displayName"], "Robert B");
        assert_eq!(out["schemas"], json!([schema::USER, schema::ENTERPRISE_USER]));
    }

    #[test]
    fn entra_value_path_on_emails_updates_or_creates() {
        let body =
            ops(json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "new@example.com"}]));
        let out = patch(ResourceKind::User, bob(), body.clone()).unwrap();
        assert_eq!(
            out["emails"],
            json!([{"value": "new@example.com", "type": "work", "primary": true}])
        );
        let mut no_email = bob();
        no_email.as_object_mut().unwrap().remove("emails");
        let out = patch(ResourceKind::User, no_email, body).unwrap();
        assert_eq!(out["emails"], json!([{"type": "work", "value": "new@example.com"}]));
    }

    #[test]
    fn enterprise_urn_paths() {
        let body = ops(json!([
            {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": {"value": "m1"}},
            {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "9"}
        ]));
        let out = patch(ResourceKind::User, bob(), body).unwrap();
        assert_eq!(
            out[schema::ENTERPRISE_USER],
            json!({"manager": {"value": "m1"}, "employeeNumber": "9"})
        );
        let body = ops(
            json!([{"op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]),
        );
        let out = patch(ResourceKind::User, out, body).unwrap();
        assert_eq!(out[schema::ENTERPRISE_USER], json!({"employeeNumber": "9"}));
        // Entra ID: the manager's id alone.
        let path = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";
        let body = ops(json!([{"op": "Add", "path": path, "value": "m2"}]));
        let out = patch(ResourceKind::User, out, body).unwrap();
        assert_eq!(out[schema::ENTERPRISE_USER]["manager"], json!({"value": "m2"}));
    }

    #[test]
    fn a_bare_extension_urn_path_names_the_whole_extension() {
        let ext = schema::ENTERPRISE_USER;
        let value = json!({"schemas": [ext], "department": "D", "costCenter": "C"});
        let body = ops(json!([{"op": "add", "path": ext, "value": value}]));
        let out = patch(ResourceKind::User, bob(), body).unwrap();
        assert_eq!(out[ext], json!({"department": "D", "costCenter": "C"}));
        let body = ops(json!([{"op": "replace", "path": ext, "value": {"department": "E"}}]));
        let out = patch(ResourceKind::User, out, body).unwrap();
        assert_eq!(out[ext], json!({"department": "E", "costCenter": "C"}));
        let body = ops(json!([{"op": "remove", "path": ext}]));
        let out = patch(ResourceKind::User, out, body).unwrap();
        assert!(out.get(ext).is_none());
        assert_eq!(out["schemas"], json!([schema::USER]));
        let body = ops(json!([{"op": "remove", "path": "urn:example:not:ours"}]));
        assert!(patch(ResourceKind::User, bob(), body).is_err());
    }

    #[test]
    fn okta_renames_a_group_with_its_id_in_the_value() {
        let group = json!({"schemas": [schema::GROUP], "displayName": "Old"});
        let body = ops(json!([{"op": "replace", "value": {"id": "abf4dd94", "displayName": "Test SCIMv2"}}]));
        let g = patch(ResourceKind::Group, group, body).unwrap();
        assert_eq!(g, json!({"schemas": [schema::GROUP], "displayName": "Test SCIMv2"}));
    }

    #[test]
    fn add_appends_to_multi_valued_and_merges_complex() {
        let body = ops(json!([
            {"op": "add", "path": "emails", "value": [{"value": "b2@example.com", "type": "home", "primary": true}]},
            {"op": "add", "path": "name", "value": {"middleName": "The"}},
            {"op": "add", "path": "nickName", "value": "B"}
        ]));
        let out = patch(ResourceKind::User, bob(), body).unwrap();
        assert_eq!(
            out["emails"],
            json!([{"value": "bob@example.com", "type": "work"}, {"value": "b2@example.com", "type": "home", "primary": true}])
        );
        assert_eq!(out["name"]["middleName"], "The");
        assert_eq!(out["name"]["givenName"], "Bob");
        assert_eq!(out["nickName"], "B");
    }

    #[test]
    fn group_members_add_and_remove_three_ways() {
        let group = json!({"schemas": [schema::GROUP], "displayName": "Eng", "members": [{"value": "a"}]});
        let body =
            ops(json!([{"op": "add", "path": "members", "value": [{"value": "b"}, {"value": "c"}, {"value": "a"}]}]));
        let g = patch(ResourceKind::Group, group, body).unwrap();
        assert_eq!(g["members"], json!([{"value": "a"}, {"value": "b"}, {"value": "c"}]));
        // RFC 7644 and Okta: a value filter in the path.
        let body = ops(json!([{"op": "remove", "path": "members[value eq \"b\"]"}]));
        let g = patch(ResourceKind::Group, g, body).unwrap();
        assert_eq!(g["members"], json!([{"value": "a"}, {"value": "c"}]));
        // Entra ID: the values to take out in `value`.
        let body = ops(json!([{"op": "Remove", "path": "members", "value": [{"value": "a"}]}]));
        let g = patch(ResourceKind::Group, g, body).unwrap();
        assert_eq!(g["members"], json!([{"value": "c"}]));
        // Okta group push: replace the whole list.
        let body = ops(json!([{"op": "replace", "path": "members", "value": [{"value": "d", "display": "D"}]}]));
        let g = patch(ResourceKind::Group, g, body).unwrap();
        // `display` is read-only (RFC 7643 §4.2): the server's to fill.
        assert_eq!(g["members"], json!([{"value": "d"}]));
        let body = ops(json!([{"op": "remove", "path": "members"}]));
        let g = patch(ResourceKind::Group, g, body).unwrap();
        assert!(g.get("members").is_none());
    }

    #[test]
    fn replace_and_remove_with_sub_attribute_and_filters() {
        let body = ops(json!([
            {"op": "replace", "path": "name.familyName", "value": "B."},
            {"op": "remove", "path": "emails[type eq \"work\"].primary"}
        ]));
        let out = patch(ResourceKind::User, bob(), body).unwrap();
        assert_eq!(out["name"]["familyName"], "B.");
        assert_eq!(out["emails"], json!([{"value": "bob@example.com", "type": "work"}]));
        let body = ops(json!([{"op": "remove", "path": "emails[type eq \"work\"]"}, {"op": "remove", "path": "name"}]));
        let out = patch(ResourceKind::User, out, body).unwrap();
        assert!(out.get("emails").is_none() && out.get("name").is_none());
    }

    #[test]
    fn errors_name_what_was_wrong() {
        let cases = [
            (
                json!({"Operations": [{"op": "add", "path": "nickName", "value": "x"}]}),
                crate::ScimType::InvalidSyntax,
            ),
            (ops(json!([])), crate::ScimType::InvalidSyntax),
            (
                ops(json!([{"op": "move", "path": "nickName"}])),
                crate::ScimType::InvalidSyntax,
            ),
            (ops(json!([{"op": "remove"}])), crate::ScimType::NoTarget),
            (
                ops(json!([{"op": "add", "path": "nickName"}])),
                crate::ScimType::InvalidValue,
            ),
            (ops(json!([{"op": "add", "value": "x"}])), crate::ScimType::InvalidValue),
            (
                ops(json!([{"op": "add", "path": "shoeSize", "value": 9}])),
                crate::ScimType::InvalidPath,
            ),
            (
                ops(json!([{"op": "add", "path": "emails[type eq", "value": 9}])),
                crate::ScimType::InvalidPath,
            ),
            (
                ops(json!([{"op": "replace", "path": "id", "value": "x"}])),
                crate::ScimType::Mutability,
            ),
            (
                ops(json!([{"op": "replace", "path": "meta.version", "value": "x"}])),
                crate::ScimType::Mutability,
            ),
            (
                ops(json!([{"op": "replace", "path": "active", "value": "perhaps"}])),
                crate::ScimType::InvalidValue,
            ),
            (
                ops(json!([{"op": "replace", "path": "emails[type pr]", "value": {"x": 1}}])),
                crate::ScimType::NoTarget,
            ),
            (
                ops(json!([{"op": "remove", "path": "userName"}])),
                crate::ScimType::InvalidValue,
            ),
            (
                ops(json!([{"op": "replace", "value": {"shoeSize": 9}}])),
                crate::ScimType::InvalidPath,
            ),
        ];
        for (body, expected) in cases {
            let err = patch(
                ResourceKind::User,
                json!({"schemas": [schema::USER], "userName": "x"}),
                body.clone(),
            )
            .err()
            .and_then(|e| e.scim_type);
            assert_eq!(err, Some(expected), "{body}");
        }
    }
}
