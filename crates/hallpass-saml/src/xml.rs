//! Strict XML reading and minimal XML writing shared by the metadata, request and response code.
//!
//! Every document this crate reads goes through [`parse`] first: no DTD (so no entity expansion and
//! no external entities), a bounded number of nodes, well-formed or refused. Only a document that
//! passed it is handed to libxml2/xmlsec (which samael runs in libxml2's lenient "recover" mode).

use roxmltree::{Document, Node, ParsingOptions};

pub(crate) const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub(crate) const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub(crate) const NS_METADATA: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
pub(crate) const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
pub(crate) const NS_XENC: &str = "http://www.w3.org/2001/04/xmlenc#";

/// Most nodes a document may have: a large Entra ID response with group claims is a few thousand.
const NODES_LIMIT: u32 = 200_000;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// A document type declaration (and with it any entity declaration) is present.
    Dtd,
    /// Not well-formed XML, or too many nodes.
    Malformed(String),
}

/// Parses `text` strictly. A `<!DOCTYPE` or `<!ENTITY` anywhere is refused even where the
/// parser would accept it (an empty DOCTYPE): libxml2 must never see one.
pub(crate) fn parse(text: &str) -> Result<Document<'_>, ParseError> {
    if text.contains("<!DOCTYPE") || text.contains("<!ENTITY") {
        return Err(ParseError::Dtd);
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ParseError::Dtd,
        other => ParseError::Malformed(other.to_string()),
    })
}

/// The element children of `node` named `name` in namespace `ns`.
pub(crate) fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.has_tag_name((ns, name)))
}

/// The first element child of `node` named `name` in namespace `ns`.
pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, ns: &'a str, name: &'a str) -> Option<Node<'a, 'i>> {
    children(node, ns, name).next()
}

/// Why an element's text could not be taken as a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextError {
    /// A comment or processing instruction sits inside the value (where it would cut a naive
    /// reader's text in two: `user@evil.test<!---->.acme.test`).
    CommentInside,
    /// An element sits inside the value.
    ElementInside,
}

/// The whole text content of a simple-content element: every text node joined, never just the
/// first. Comments, processing instructions and child elements are refused rather than skipped.
pub(crate) fn simple_text(node: Node<'_, '_>) -> Result<String, TextError> {
    let mut out = String::new();
    for c in node.children() {
        match c.node_type() {
            roxmltree::NodeType::Text => out.push_str(c.text().unwrap_or_default()),
            roxmltree::NodeType::Comment | roxmltree::NodeType::PI => return Err(TextError::CommentInside),
            _ => return Err(TextError::ElementInside),
        }
    }
    Ok(out)
}

/// Escapes text for an XML attribute value or element content.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(ch),
        }
    }
    out
}

/// An `xs:dateTime` as SAML writes it (UTC, RFC 3339 profile).
pub(crate) fn parse_instant(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339).ok()
}

/// An instant as SAML wants it written: UTC, seconds, `Z`.
pub(crate) fn format_instant(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctype_is_refused_even_when_empty() {
        assert_eq!(parse("<!DOCTYPE a><a/>").err(), Some(ParseError::Dtd));
        assert_eq!(
            parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").err(),
            Some(ParseError::Dtd)
        );
    }

    #[test]
    fn text_with_a_comment_inside_is_refused_not_truncated() {
        let doc = parse("<a>user@evil.test<!---->.acme.test</a>").unwrap();
        assert_eq!(simple_text(doc.root_element()), Err(TextError::CommentInside));
        let doc = parse("<a>user@evil.test<?pi x?>.acme.test</a>").unwrap();
        assert_eq!(simple_text(doc.root_element()), Err(TextError::CommentInside));
    }

    #[test]
    fn text_split_by_character_references_is_read_whole() {
        let doc = parse("<a>user&#64;acme.test<![CDATA[x]]></a>").unwrap();
        assert_eq!(simple_text(doc.root_element()).unwrap(), "user@acme.testx");
    }

    #[test]
    fn instants_round_trip() {
        let at = parse_instant("2026-11-29T10:00:01.123Z").unwrap();
        assert_eq!(format_instant(at), "2026-11-29T10:00:01Z");
    }
}
