//! The filter language of RFC 7644 §3.4.2.2: attribute expressions (`eq ne
//! co sw ew pr gt ge lt le`), `and`/`or`/`not`, parentheses and value paths
//! (`emails[type eq "work" and value co "@example.com"]`). Attribute names
//! and operators are case-insensitive; string comparisons follow the
//! attribute's `caseExact`. A filter that does not parse, or names an
//! attribute the resource type lacks, is `invalidFilter`.

use crate::error::ScimError;
use crate::path::{get_ci, AttrPath, Scope};
use crate::schema::{Attribute, Type};
use serde_json::Value;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    fn parse(word: &str) -> Option<CompareOp> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => CompareOp::Eq,
            "ne" => CompareOp::Ne,
            "co" => CompareOp::Co,
            "sw" => CompareOp::Sw,
            "ew" => CompareOp::Ew,
            "gt" => CompareOp::Gt,
            "ge" => CompareOp::Ge,
            "lt" => CompareOp::Lt,
            "le" => CompareOp::Le,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: Value,
    },
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `attr[filter]`: some value of the multi-valued complex `attr` matches.
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Word(String),
    Str(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, ScimError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
            }
            '"' => {
                chars.next();
                let mut end = None;
                let mut escaped = false;
                for (i, c) in chars.by_ref() {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| ScimError::invalid_filter("A string in the filter is not closed."))?;
                let literal = text.get(start..=end).unwrap_or("\"\"");
                let s: String = serde_json::from_str(literal)
                    .map_err(|_| ScimError::invalid_filter(format!("{literal} is not a valid string.")))?;
                tokens.push(Token::Str(s));
            }
            _ => {
                let mut end = text.len();
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"') {
                        end = i;
                        break;
                    }
                    chars.next();
                }
                tokens.push(Token::Word(text.get(start..end).unwrap_or("").to_string()));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn expect(&mut self, token: Token, what: &str) -> Result<(), ScimError> {
        if self.next() == Some(token) {
            Ok(())
        } else {
            Err(ScimError::invalid_filter(format!("Expected {what} in the filter.")))
        }
    }

    fn or(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ScimError> {
        if self.keyword("not") && self.tokens.get(self.at + 1) == Some(&Token::Open) {
            self.at += 2;
            let inner = self.or()?;
            self.expect(Token::Close, "`)`")?;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::Close, "`)`")?;
            return Ok(inner);
        }
        self.expression()
    }

    fn expression(&mut self) -> Result<Filter, ScimError> {
        let path = match self.next() {
            Some(Token::Word(w)) => AttrPath::parse(&w)
                .map_err(|_| ScimError::invalid_filter(format!("`{w}` is not an attribute path.")))?,
            _ => return Err(ScimError::invalid_filter("Expected an attribute path in the filter.")),
        };
        if self.peek() == Some(&Token::OpenBracket) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::CloseBracket, "`]`")?;
            if path.sub.is_some() {
                return Err(ScimError::invalid_filter(
                    "A value path names an attribute, not a sub-attribute.",
                ));
            }
            return Ok(Filter::ValuePath {
                path,
                filter: Box::new(inner),
            });
        }
        let op = match self.next() {
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("pr") => return Ok(Filter::Present(path)),
            Some(Token::Word(w)) => {
                CompareOp::parse(&w).ok_or_else(|| ScimError::invalid_filter(format!("`{w}` is not an operator.")))?
            }
            _ => return Err(ScimError::invalid_filter("Expected an operator in the filter.")),
        };
        let value = match self.next() {
            Some(Token::Str(s)) => Value::String(s),
            Some(Token::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                _ => serde_json::from_str::<serde_json::Number>(&w)
                    .map(Value::Number)
                    .map_err(|_| ScimError::invalid_filter(format!("`{w}` is not a value (quote strings).")))?,
            },
            _ => return Err(ScimError::invalid_filter("Expected a value in the filter.")),
        };
        Ok(Filter::Compare { path, op, value })
    }
}

impl Filter {
    /// Parses a filter. The attributes it names are checked by [`Filter::check`].
    pub fn parse(text: &str) -> Result<Filter, ScimError> {
        let mut parser = Parser {
            tokens: tokenize(text)?,
            at: 0,
        };
        if parser.tokens.is_empty() {
            return Err(ScimError::invalid_filter("The filter is empty."));
        }
        let filter = parser.or()?;
        if parser.at != parser.tokens.len() {
            return Err(ScimError::invalid_filter(
                "The filter has something left over after its end.",
            ));
        }
        Ok(filter)
    }

    /// `invalidFilter` unless every attribute it names exists in `scope`, and
    /// ordering comparisons are on attributes that have an order.
    pub fn check(&self, scope: Scope) -> Result<(), ScimError> {
        match self {
            Filter::And(a, b) | Filter::Or(a, b) => {
                a.check(scope)?;
                b.check(scope)
            }
            Filter::Not(a) => a.check(scope),
            Filter::Present(path) => leaf(scope, path).map(|_| ()),
            Filter::Compare { path, op, .. } => {
                let attr = leaf(scope, path)?;
                let ordered = matches!(op, CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le);
                if ordered && matches!(attr.kind, Type::Boolean | Type::Binary | Type::Complex) {
                    return Err(ScimError::invalid_filter(format!("{} has no order.", attr.name)));
                }
                Ok(())
            }
            Filter::ValuePath { path, filter } => {
                let resolved = scope
                    .resolve(path)
                    .ok_or_else(|| ScimError::invalid_filter(format!("Unknown attribute `{}`.", path.name)))?;
                if resolved.attr.kind != Type::Complex {
                    return Err(ScimError::invalid_filter(format!(
                        "{} has no sub-attributes.",
                        resolved.attr.name
                    )));
                }
                filter.check(Scope::Within(resolved.attr))
            }
        }
    }

    /// Whether `resource` (a resource, or one value of a complex attribute
    /// when `scope` is `Within`) matches.
    pub fn matches(&self, scope: Scope, resource: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(scope, resource) && b.matches(scope, resource),
            Filter::Or(a, b) => a.matches(scope, resource) || b.matches(scope, resource),
            Filter::Not(a) => !a.matches(scope, resource),
            Filter::Present(path) => values(scope, resource, path).iter().any(|(_, v)| present(v)),
            Filter::Compare { path, op, value } => {
                let found = values(scope, resource, path);
                match (op, value) {
                    (CompareOp::Eq, Value::Null) => !found.iter().any(|(_, v)| present(v)),
                    (CompareOp::Ne, Value::Null) => found.iter().any(|(_, v)| present(v)),
                    (CompareOp::Ne, _) => !found.iter().any(|(a, v)| compare(a, CompareOp::Eq, v, value)),
                    _ => found.iter().any(|(a, v)| compare(a, *op, v, value)),
                }
            }
            Filter::ValuePath { path, filter } => {
                let Some(resolved) = scope.resolve(path) else {
                    return false;
                };
                let inner = Scope::Within(resolved.attr);
                container(resolved.extension, resource)
                    .and_then(|c| get_ci(c, resolved.attr.name))
                    .map(|v| match v {
                        Value::Array(items) => items.iter().any(|item| filter.matches(inner, item)),
                        other => filter.matches(inner, other),
                    })
                    .unwrap_or(false)
            }
        }
    }

    /// The conjunction of `attr eq value` terms this filter is made of, if
    /// that is all it is: what a new value must carry to match it (a PATCH
    /// that sets `emails[type eq "work"].value` on a user without one).
    pub fn equalities(&self) -> Option<Vec<(String, Value)>> {
        match self {
            Filter::Compare {
                path,
                op: CompareOp::Eq,
                value,
            } if path.urn.is_none() && path.sub.is_none() => Some(vec![(path.name.clone(), value.clone())]),
            Filter::And(a, b) => {
                let mut terms = a.equalities()?;
                terms.extend(b.equalities()?);
                Some(terms)
            }
            _ => None,
        }
    }

    /// `Some(value)` if the filter is exactly `attr eq "value"` on `name`
    /// (what a store can answer from an index).
    pub fn equality_on(&self, name: &str) -> Option<&str> {
        match self {
            Filter::Compare {
                path,
                op: CompareOp::Eq,
                value: Value::String(s),
            } if path.sub.is_none() && path.name.eq_ignore_ascii_case(name) => Some(s),
            _ => None,
        }
    }
}

fn leaf(scope: Scope, path: &AttrPath) -> Result<&'static Attribute, ScimError> {
    let resolved = scope
        .resolve(path)
        .ok_or_else(|| ScimError::invalid_filter(format!("Unknown attribute `{}`.", display(path))))?;
    Ok(match resolved.sub {
        Some(sub) => sub,
        None if resolved.attr.kind == Type::Complex => resolved.attr.sub_attribute("value").unwrap_or(resolved.attr),
        None => resolved.attr,
    })
}

fn display(path: &AttrPath) -> String {
    match &path.sub {
        Some(sub) => format!("{}.{}", path.name, sub),
        None => path.name.clone(),
    }
}

fn container<'a>(extension: Option<&str>, resource: &'a Value) -> Option<&'a serde_json::Map<String, Value>> {
    let object = resource.as_object()?;
    match extension {
        Some(urn) => get_ci(object, urn)?.as_object(),
        None => Some(object),
    }
}

/// Every value `path` names in `resource`, each with its attribute definition.
fn values<'a>(scope: Scope, resource: &'a Value, path: &AttrPath) -> Vec<(&'static Attribute, &'a Value)> {
    let Some(resolved) = scope.resolve(path) else {
        return Vec::new();
    };
    let Some(top) = container(resolved.extension, resource).and_then(|c| get_ci(c, resolved.attr.name)) else {
        return Vec::new();
    };
    let items: Vec<&Value> = match top {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let (attr, sub_name) = match resolved.sub {
        Some(sub) => (sub, Some(sub.name)),
        None if resolved.attr.kind == Type::Complex => match resolved.attr.sub_attribute("value") {
            Some(value) => (value, Some("value")),
            None => (resolved.attr, None),
        },
        None => (resolved.attr, None),
    };
    items
        .into_iter()
        .filter_map(|item| match sub_name {
            Some(name) => item.as_object().and_then(|o| get_ci(o, name)),
            None => Some(item),
        })
        .map(|v| (attr, v))
        .collect()
}

fn present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn compare(attr: &Attribute, op: CompareOp, actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::String(a), Value::String(e)) => {
            let (a, e) = if attr.case_exact {
                (a.clone(), e.clone())
            } else {
                (a.to_lowercase(), e.to_lowercase())
            };
            match op {
                CompareOp::Eq => a == e,
                CompareOp::Ne => a != e,
                CompareOp::Co => a.contains(&e),
                CompareOp::Sw => a.starts_with(&e),
                CompareOp::Ew => a.ends_with(&e),
                _ => ordered(op, a.cmp(&e)),
            }
        }
        (Value::Bool(a), Value::Bool(e)) => match op {
            CompareOp::Eq => a == e,
            CompareOp::Ne => a != e,
            _ => false,
        },
        (Value::Number(a), Value::Number(e)) => {
            let (Some(a), Some(e)) = (a.as_f64(), e.as_f64()) else {
                return false;
            };
            match op {
                CompareOp::Eq => a == e,
                CompareOp::Ne => a != e,
                CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
                _ => a.partial_cmp(&e).is_some_and(|o| ordered(op, o)),
            }
        }
        _ => false,
    }
}

/// Strings order lexically; date-times this server writes are RFC 3339 in
/// UTC with one shape, for which lexical order is time order.
fn ordered(op: CompareOp, ordering: Ordering) -> bool {
    match op {
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::ResourceKind;
    use serde_json::json;

    const USERS: Scope = Scope::Resource(ResourceKind::User);

    fn user() -> Value {
        json!({
            "schemas": [crate::schema::USER, crate::schema::ENTERPRISE_USER],
            "id": "u1",
            "externalId": "Ext-1",
            "userName": "Alice@Example.com",
            "displayName": "Alice Liddell",
            "active": true,
            "name": {"givenName": "Alice", "familyName": "Liddell"},
            "emails": [
                {"value": "alice@work.example", "type": "work", "primary": true},
                {"value": "alice@home.example", "type": "home"}
            ],
            "meta": {"created": "2026-01-02T03:04:05Z", "lastModified": "2026-03-01T00:00:00Z"},
            crate::schema::ENTERPRISE_USER: {"department": "Wonder", "manager": {"value": "m1"}}
        })
    }

    fn matches(text: &str) -> bool {
        let f = Filter::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        f.check(USERS).unwrap_or_else(|e| panic!("{text}: {e}"));
        f.matches(USERS, &user())
    }

    #[test]
    fn every_operator() {
        assert!(matches(r#"userName eq "alice@example.com""#));
        assert!(matches(r#"userName ne "bob""#));
        assert!(matches(r#"displayName co "Lidd""#));
        assert!(matches(r#"displayName sw "alice""#));
        assert!(matches(r#"displayName ew "DELL""#));
        assert!(!matches("title pr"));
        assert!(matches("name.givenName pr"));
        assert!(matches(r#"meta.created gt "2026-01-01T00:00:00Z""#));
        assert!(matches(r#"meta.created ge "2026-01-02T03:04:05Z""#));
        assert!(matches(r#"meta.lastModified lt "2026-04-01T00:00:00Z""#));
        assert!(matches(r#"meta.lastModified le "2026-03-01T00:00:00Z""#));
        assert!(!matches(r#"meta.lastModified lt "2026-03-01T00:00:00Z""#));
        assert!(matches("active eq true"));
        assert!(!matches("active eq false"));
    }

    #[test]
    fn case_exact_attributes_compare_exactly() {
        assert!(matches(r#"externalId eq "Ext-1""#));
        assert!(!matches(r#"externalId eq "ext-1""#));
        assert!(matches(r#"id eq "u1""#));
    }

    #[test]
    fn names_and_operators_ignore_case() {
        assert!(matches(r#"USERNAME EQ "alice@example.com""#));
        assert!(matches(r#"Emails.VALUE Sw "alice@work""#));
        assert!(matches(r#"username eq "x" OR DisplayName pr"#));
    }

    #[test]
    fn logic_and_grouping() {
        assert!(matches(r#"userName eq "x" or displayName pr"#));
        assert!(!matches(r#"userName eq "x" and displayName pr"#));
        assert!(matches(r#"not (userName eq "x")"#));
        assert!(matches(r#"not(userName eq "x")"#));
        // and binds tighter than or
        assert!(matches(r#"userName eq "x" and title pr or active eq true"#));
        assert!(!matches(r#"userName eq "x" and (title pr or active eq true)"#));
    }

    #[test]
    fn multi_valued_and_value_paths() {
        assert!(matches(r#"emails.value eq "alice@home.example""#));
        assert!(matches(r#"emails co "home.example""#));
        assert!(matches(r#"emails[type eq "work" and value co "@work"]"#));
        assert!(!matches(r#"emails[type eq "home" and primary eq true]"#));
        assert!(matches(r#"emails[type eq "work"] and userName sw "alice""#));
    }

    #[test]
    fn extension_attributes_by_urn() {
        assert!(matches(
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "wonder""#
        ));
        assert!(matches(
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1""#
        ));
        assert!(matches(
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "alice""#
        ));
    }

    #[test]
    fn strings_with_escapes_and_spaces() {
        let f = Filter::parse(r#"displayName eq "a \"quoted\" (name) [x]""#).unwrap();
        assert_eq!(
            f,
            Filter::Compare {
                path: AttrPath::simple("displayName"),
                op: CompareOp::Eq,
                value: json!("a \"quoted\" (name) [x]")
            }
        );
    }

    #[test]
    fn what_does_not_parse_is_invalid_filter() {
        for bad in [
            "",
            "userName",
            "userName eq",
            r#"userName xx "a""#,
            r#"userName eq "a"#,
            r#"(userName eq "a""#,
            r#"userName eq "a")"#,
            r#"userName eq "a" and"#,
            r#"userName eq a"#,
            r#"emails[type eq "work""#,
            r#"not userName eq "a""#,
        ] {
            let err = Filter::parse(bad).err().and_then(|e| e.scim_type);
            assert_eq!(err, Some(crate::ScimType::InvalidFilter), "{bad:?}");
        }
    }

    #[test]
    fn unknown_attributes_and_unordered_comparisons_are_invalid_filter() {
        for bad in [
            r#"shoeSize eq "9""#,
            "active gt true",
            r#"name.nope eq "x""#,
            r#"userName[value eq "x"]"#,
        ] {
            let err = Filter::parse(bad)
                .and_then(|f| f.check(USERS))
                .err()
                .and_then(|e| e.scim_type);
            assert_eq!(err, Some(crate::ScimType::InvalidFilter), "{bad:?}");
        }
    }

    #[test]
    fn equality_shortcuts() {
        let f = Filter::parse(r#"userName eq "bob""#).unwrap();
        assert_eq!(f.equality_on("USERNAME"), Some("bob"));
        let f = Filter::parse(r#"type eq "work" and primary eq true"#).unwrap();
        assert_eq!(
            f.equalities(),
            Some(vec![("type".into(), json!("work")), ("primary".into(), json!(true))])
        );
        assert_eq!(Filter::parse("type pr").unwrap().equalities(), None);
    }
}
