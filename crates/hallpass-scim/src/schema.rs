//! The attributes SCIM resources have (RFC 7643 §4, §8.7): the core User, the
//! enterprise User extension and the Group, plus the common `id`,
//! `externalId` and `meta`. To add an attribute, add it here: `/Schemas`,
//! filtering, PATCH, projection and validation all read this table.

use serde_json::{json, Map, Value};

pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
pub const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
pub const SERVICE_PROVIDER_CONFIG: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Binary,
    Reference,
    Complex,
}

impl Type {
    pub fn as_str(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Boolean => "boolean",
            Type::Decimal => "decimal",
            Type::Integer => "integer",
            Type::DateTime => "dateTime",
            Type::Binary => "binary",
            Type::Reference => "reference",
            Type::Complex => "complex",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uniqueness {
    None,
    Server,
}

/// One attribute definition (RFC 7643 §7).
#[derive(Debug, Clone, Copy)]
pub struct Attribute {
    pub name: &'static str,
    pub kind: Type,
    pub multi: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub uniqueness: Uniqueness,
    pub canonical: &'static [&'static str],
    pub reference_types: &'static [&'static str],
    pub sub: &'static [Attribute],
    pub description: &'static str,
}

const fn attr(name: &'static str, kind: Type, description: &'static str) -> Attribute {
    Attribute {
        name,
        kind,
        multi: false,
        required: false,
        case_exact: false,
        mutability: Mutability::ReadWrite,
        returned: Returned::Default,
        uniqueness: Uniqueness::None,
        canonical: &[],
        reference_types: &[],
        sub: &[],
        description,
    }
}

const fn string(name: &'static str, description: &'static str) -> Attribute {
    attr(name, Type::String, description)
}

const fn complex(name: &'static str, sub: &'static [Attribute], description: &'static str) -> Attribute {
    Attribute {
        sub,
        ..attr(name, Type::Complex, description)
    }
}

const fn multi(a: Attribute) -> Attribute {
    Attribute { multi: true, ..a }
}

const fn required(a: Attribute) -> Attribute {
    Attribute { required: true, ..a }
}

const fn read_only(a: Attribute) -> Attribute {
    Attribute {
        mutability: Mutability::ReadOnly,
        ..a
    }
}

const fn exact(a: Attribute) -> Attribute {
    Attribute { case_exact: true, ..a }
}

const fn canonical(a: Attribute, values: &'static [&'static str]) -> Attribute {
    Attribute { canonical: values, ..a }
}

const fn reference(name: &'static str, types: &'static [&'static str], description: &'static str) -> Attribute {
    Attribute {
        reference_types: types,
        ..attr(name, Type::Reference, description)
    }
}

const fn primary() -> Attribute {
    attr("primary", Type::Boolean, "Whether this value is the preferred one.")
}

const fn display() -> Attribute {
    string("display", "A human-readable name, for display.")
}

/// `value`, `display`, `type` (with its canonical values) and `primary`: the
/// shape of most multi-valued attributes.
macro_rules! multi_valued {
    ($name:expr, $value_type:expr, [$($canon:expr),*], $description:expr) => {
        multi(complex(
            $name,
            &[
                attr("value", $value_type, "The value."),
                display(),
                canonical(string("type", "What kind of value this is."), &[$($canon),*]),
                primary(),
            ],
            $description,
        ))
    };
}

const NAME: &[Attribute] = &[
    string("formatted", "The full name, formatted for display."),
    string("familyName", "The family name."),
    string("givenName", "The given name."),
    string("middleName", "The middle name(s)."),
    string("honorificPrefix", "The honorific prefix(es)."),
    string("honorificSuffix", "The honorific suffix(es)."),
];

const ADDRESS: &[Attribute] = &[
    string("formatted", "The full mailing address, formatted for display."),
    string("streetAddress", "The full street address."),
    string("locality", "The city or locality."),
    string("region", "The state or region."),
    string("postalCode", "The zip code or postal code."),
    string("country", "The country name (ISO 3166-1 alpha-2)."),
    canonical(
        string("type", "What kind of address this is."),
        &["work", "home", "other"],
    ),
    primary(),
];

const GROUP_REF: &[Attribute] = &[
    read_only(string("value", "The id of the group.")),
    read_only(reference("$ref", &["Group"], "The URI of the group.")),
    read_only(display()),
    read_only(canonical(
        string("type", "direct or indirect."),
        &["direct", "indirect"],
    )),
];

const USER_ATTRIBUTES: &[Attribute] = &[
    Attribute {
        uniqueness: Uniqueness::Server,
        ..required(string(
            "userName",
            "Unique identifier of the user, typically used to sign in.",
        ))
    },
    complex("name", NAME, "The components of the user's name."),
    string("displayName", "The name of the user, suitable for display."),
    string("nickName", "The casual way to address the user."),
    reference("profileUrl", &["external"], "A URI to the user's online profile."),
    string("title", "The user's title, such as \"Vice President\"."),
    string("userType", "The relationship between the organization and the user."),
    string("preferredLanguage", "The user's preferred written or spoken language."),
    string("locale", "The user's default location, for localizing."),
    string("timezone", "The user's time zone, in the IANA format."),
    attr("active", Type::Boolean, "Whether the user may sign in."),
    Attribute {
        mutability: Mutability::WriteOnly,
        returned: Returned::Never,
        case_exact: true,
        ..string("password", "The user's clear text password (write-only).")
    },
    multi_valued!(
        "emails",
        Type::String,
        ["work", "home", "other"],
        "Email addresses of the user."
    ),
    multi_valued!(
        "phoneNumbers",
        Type::String,
        ["work", "home", "mobile", "fax", "pager", "other"],
        "Phone numbers of the user."
    ),
    multi_valued!(
        "ims",
        Type::String,
        ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
        "Instant messaging addresses of the user."
    ),
    multi_valued!(
        "photos",
        Type::Reference,
        ["photo", "thumbnail"],
        "URLs of images of the user."
    ),
    multi(complex("addresses", ADDRESS, "Physical mailing addresses of the user.")),
    read_only(multi(complex("groups", GROUP_REF, "The groups the user belongs to."))),
    multi_valued!("entitlements", Type::String, [], "Entitlements of the user."),
    multi_valued!("roles", Type::String, [], "Roles of the user."),
    multi_valued!("x509Certificates", Type::Binary, [], "X.509 certificates of the user."),
];

const MANAGER: &[Attribute] = &[
    string("value", "The id of the manager's User."),
    reference("$ref", &["User"], "The URI of the manager's User."),
    read_only(string("displayName", "The manager's display name.")),
];

const ENTERPRISE_ATTRIBUTES: &[Attribute] = &[
    string("employeeNumber", "Identifier assigned by the organization."),
    string("costCenter", "Name of a cost center."),
    string("organization", "Name of an organization."),
    string("division", "Name of a division."),
    string("department", "Name of a department."),
    complex("manager", MANAGER, "The user's manager."),
];

const MEMBER: &[Attribute] = &[
    Attribute {
        mutability: Mutability::Immutable,
        ..exact(string("value", "The id of the member."))
    },
    Attribute {
        mutability: Mutability::Immutable,
        ..reference("$ref", &["User", "Group"], "The URI of the member.")
    },
    read_only(display()),
    Attribute {
        mutability: Mutability::Immutable,
        ..canonical(string("type", "User or Group."), &["User", "Group"])
    },
];

const GROUP_ATTRIBUTES: &[Attribute] = &[
    required(string("displayName", "A human-readable name for the group.")),
    multi(complex("members", MEMBER, "The members of the group.")),
];

const META: &[Attribute] = &[
    exact(read_only(string("resourceType", "The resource type."))),
    read_only(attr("created", Type::DateTime, "When the resource was added.")),
    read_only(attr(
        "lastModified",
        Type::DateTime,
        "When the resource was last changed.",
    )),
    exact(read_only(reference("location", &["uri"], "The URI of the resource."))),
    exact(read_only(string(
        "version",
        "The version (entity tag) of the resource.",
    ))),
];

/// `id`, `externalId` and `meta`: on every resource, in no schema's list.
pub const COMMON: &[Attribute] = &[
    Attribute {
        returned: Returned::Always,
        uniqueness: Uniqueness::Server,
        ..exact(read_only(string(
            "id",
            "The service provider's identifier of the resource.",
        )))
    },
    exact(string("externalId", "The client's identifier of the resource.")),
    read_only(complex("meta", META, "Resource metadata.")),
];

/// A schema: its URN, its name and its attributes.
#[derive(Debug)]
pub struct Schema {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub attributes: &'static [Attribute],
}

pub static USER_SCHEMA: Schema = Schema {
    id: USER,
    name: "User",
    description: "User Account",
    attributes: USER_ATTRIBUTES,
};
pub static ENTERPRISE_USER_SCHEMA: Schema = Schema {
    id: ENTERPRISE_USER,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: ENTERPRISE_ATTRIBUTES,
};
pub static GROUP_SCHEMA: Schema = Schema {
    id: GROUP,
    name: "Group",
    description: "Group",
    attributes: GROUP_ATTRIBUTES,
};

/// Every schema this service provider serves, in `/Schemas` order.
pub fn all() -> [&'static Schema; 3] {
    [&USER_SCHEMA, &ENTERPRISE_USER_SCHEMA, &GROUP_SCHEMA]
}

/// Finds a schema by URN, case-insensitively.
pub fn by_urn(urn: &str) -> Option<&'static Schema> {
    all().into_iter().find(|s| s.id.eq_ignore_ascii_case(urn))
}

/// Finds an attribute by name, case-insensitively.
pub fn find<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

impl Attribute {
    /// Its sub-attribute named `name`, case-insensitively.
    pub fn sub_attribute(&self, name: &str) -> Option<&'static Attribute> {
        find(self.sub, name)
    }

    /// Its `/Schemas` representation.
    pub fn document(&self) -> Value {
        let mut map = Map::new();
        map.insert("name".into(), json!(self.name));
        map.insert("type".into(), json!(self.kind.as_str()));
        map.insert("multiValued".into(), json!(self.multi));
        map.insert("description".into(), json!(self.description));
        map.insert("required".into(), json!(self.required));
        if self.kind != Type::Complex {
            map.insert("caseExact".into(), json!(self.case_exact));
        }
        map.insert(
            "mutability".into(),
            json!(match self.mutability {
                Mutability::ReadOnly => "readOnly",
                Mutability::ReadWrite => "readWrite",
                Mutability::Immutable => "immutable",
                Mutability::WriteOnly => "writeOnly",
            }),
        );
        map.insert(
            "returned".into(),
            json!(match self.returned {
                Returned::Always => "always",
                Returned::Never => "never",
                Returned::Default => "default",
                Returned::Request => "request",
            }),
        );
        map.insert(
            "uniqueness".into(),
            json!(match self.uniqueness {
                Uniqueness::None => "none",
                Uniqueness::Server => "server",
            }),
        );
        if !self.canonical.is_empty() {
            map.insert("canonicalValues".into(), json!(self.canonical));
        }
        if self.kind == Type::Reference {
            map.insert("referenceTypes".into(), json!(self.reference_types));
        }
        if !self.sub.is_empty() {
            map.insert(
                "subAttributes".into(),
                Value::Array(self.sub.iter().map(Attribute::document).collect()),
            );
        }
        Value::Object(map)
    }
}

impl Schema {
    /// Its `/Schemas/{id}` representation; `location` is that URL.
    pub fn document(&self, location: &str) -> Value {
        json!({
            "schemas": [SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": self.attributes.iter().map(Attribute::document).collect::<Vec<_>>(),
            "meta": {"resourceType": "Schema", "location": location},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_lookup_ignores_case() {
        let user_name = find(USER_SCHEMA.attributes, "USERNAME").map(|a| a.name);
        assert_eq!(user_name, Some("userName"));
        let emails = find(USER_SCHEMA.attributes, "emails");
        assert_eq!(
            emails.and_then(|e| e.sub_attribute("VALUE")).map(|a| a.name),
            Some("value")
        );
    }

    #[test]
    fn schema_document_describes_attributes() {
        let doc = USER_SCHEMA.document("https://x/Schemas/u");
        assert_eq!(doc["id"], USER);
        let attrs = doc["attributes"].as_array().map(Vec::len);
        assert_eq!(attrs, Some(USER_ATTRIBUTES.len()));
        assert_eq!(doc["attributes"][0]["name"], "userName");
        assert_eq!(doc["attributes"][0]["required"], true);
        assert_eq!(doc["attributes"][0]["uniqueness"], "server");
        let password = doc["attributes"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["name"] == "password"));
        assert_eq!(password.map(|p| p["returned"].clone()), Some(json!("never")));
    }

    #[test]
    fn urn_lookup_ignores_case() {
        assert!(by_urn("URN:ietf:params:scim:schemas:extension:enterprise:2.0:user").is_some());
        assert!(by_urn("urn:example:unknown").is_none());
    }
}
