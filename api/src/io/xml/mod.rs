//! The XML exports, GraphML (`graphml.rs`) and GEXF 1.3 (`gexf.rs`), over one small streaming writer
//! (`Xml`, on quick-xml) that escapes every name, value and text it is given.
//!
//! Attribute values escape line breaks and tabs as character references, because an XML parser turns
//! them into spaces otherwise; characters XML 1.0 cannot carry at all (most control characters) become
//! U+FFFD.

mod gexf;
mod graphml;

use std::borrow::Cow;
use std::io::Write;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;

pub use gexf::GexfWriter;
pub use graphml::GraphmlWriter;

/// Spaces per level of indentation.
const INDENT: usize = 2;

/// A streaming, indenting XML writer that escapes everything.
struct Xml<W: Write> {
    writer: quick_xml::Writer<W>,
}

impl<W: Write> Xml<W> {
    /// Starts a document on `out` with its XML declaration.
    fn start(out: W) -> std::io::Result<Xml<W>> {
        let mut writer = quick_xml::Writer::new_with_indent(out, b' ', INDENT);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(Xml { writer })
    }

    /// Writes `<name attrs…>`.
    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
        self.writer.write_event(Event::Start(element(name, attrs)))
    }

    /// Writes `<name attrs…/>`.
    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
        self.writer.write_event(Event::Empty(element(name, attrs)))
    }

    /// Writes `</name>`.
    fn close(&mut self, name: &str) -> std::io::Result<()> {
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    /// Writes `<name attrs…>text</name>`.
    fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> std::io::Result<()> {
        self.open(name, attrs)?;
        self.writer.write_event(Event::Text(BytesText::from_escaped(escape(text))))?;
        self.close(name)
    }

    /// Ends the document and flushes.
    fn finish(&mut self) -> std::io::Result<()> {
        self.writer.get_mut().write_all(b"\n")?;
        self.writer.get_mut().flush()
    }
}

/// A start tag with its attributes, each value escaped by [`escape`].
fn element<'a>(name: &'a str, attrs: &[(&'a str, &str)]) -> BytesStart<'a> {
    let mut start = BytesStart::new(name);
    for (key, value) in attrs {
        start.push_attribute(Attribute { key: QName(key), value: Cow::Owned(escape(value).into_owned()) });
    }
    start
}

/// Whether XML 1.0 can carry `c` at all.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `raw` escaped for an attribute value or text: markup characters and whitespace other than the space as
/// references, characters XML cannot carry as U+FFFD.
fn escape(raw: &str) -> Cow<'_, str> {
    let plain = |c: char| is_xml_char(c) && !matches!(c, '<' | '>' | '&' | '"' | '\'' | '\t' | '\n' | '\r');
    if raw.chars().all(plain) {
        return Cow::Borrowed(raw);
    }
    let mut escaped = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' => escaped.push_str("&#9;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            c if is_xml_char(c) => escaped.push(c),
            _ => escaped.push('\u{FFFD}'),
        }
    }
    Cow::Owned(escaped)
}

/// The XML schema type of a column.
fn xml_type(value_type: crate::io::columns::ValueType) -> &'static str {
    match value_type {
        crate::io::columns::ValueType::Text => "string",
        crate::io::columns::ValueType::Double => "double",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_whitespace_and_forbidden_characters() {
        assert_eq!(escape("plain text, ünïcode"), "plain text, ünïcode");
        assert_eq!(escape("a<b>&\"c'\n\t\r\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;&#13;\u{FFFD}");
    }

    /// The element names of `text` in document order (`/name` for an end), checking it is well formed.
    fn elements(text: &str) -> Vec<String> {
        let mut reader = quick_xml::Reader::from_str(text);
        let mut names = Vec::new();
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(start) | Event::Empty(start) => names.push(start.name().as_ref().to_owned()),
                Event::End(end) => names.push(format!("/{}", end.name().as_ref())),
                Event::Eof => return names,
                _ => {}
            }
        }
    }

    #[test]
    fn graphs_without_edges_or_nodes_still_close_every_element() {
        use partnergraph_schema::{NodeId, NodeRecord};

        let node = NodeRecord::new(NodeId::parse("agency:a").expect("id"), "A", Vec::new());
        for nodes in [Vec::new(), vec![node]] {
            let mut gexf = Vec::new();
            let mut writer = GexfWriter::start(&mut gexf).expect("start");
            crate::io::write_records(&nodes, &[], &mut writer).expect("write");
            let names = elements(std::str::from_utf8(&gexf).expect("UTF-8"));
            assert_eq!(names[names.len() - 3..], ["/nodes", "/graph", "/gexf"]);
            assert_eq!(names.iter().filter(|name| *name == "node").count(), nodes.len());

            let mut graphml = Vec::new();
            let mut writer = GraphmlWriter::start(&mut graphml).expect("start");
            crate::io::write_records(&nodes, &[], &mut writer).expect("write");
            let names = elements(std::str::from_utf8(&graphml).expect("UTF-8"));
            assert_eq!(names[names.len() - 2..], ["/graph", "/graphml"]);
            assert_eq!(names.iter().filter(|name| *name == "node").count(), nodes.len());
        }
    }

    #[test]
    fn attributes_and_text_are_escaped_in_the_document() {
        let mut xml = Xml::start(Vec::new()).expect("start");
        xml.open("root", &[("a", "x\"<y>\nz")]).expect("open");
        xml.text_element("t", &[], "1 < 2 & 3").expect("text");
        xml.close("root").expect("close");
        xml.finish().expect("finish");
        let text = String::from_utf8(xml.writer.into_inner()).expect("UTF-8");
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{text}");
        assert!(text.contains("<root a=\"x&quot;&lt;y&gt;&#10;z\">"), "{text}");
        assert!(text.contains("<t>1 &lt; 2 &amp; 3</t>"), "{text}");
    }
}
