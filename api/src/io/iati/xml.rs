//! Reading IATI XML as a stream of small trees: one tree per `<iati-activity>` or `<iati-organisation>`,
//! so a file of several gigabytes is read in the memory of its largest record.
//!
//! The reader checks that the file is well-formed XML and that its root is an IATI root; anything else is
//! a [`Refusal`] with the line and column where it was found. Positions come from a [`LineCounter`] under
//! the XML reader, which remembers only the line breaks not yet passed. Elements with a namespace prefix
//! (publishers' extensions) and elements no mapping reads are skipped with their content; `xml:lang` is
//! inherited down the tree.

use std::collections::VecDeque;
use std::io::BufRead;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::io::iati::Refusal;

/// The two IATI roots, and what each holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `<iati-activities>` holding `<iati-activity>` elements.
    Activities,
    /// `<iati-organisations>` holding `<iati-organisation>` elements.
    Organisations,
}

impl FileKind {
    fn of_root(name: &str) -> Option<FileKind> {
        match name {
            "iati-activities" => Some(FileKind::Activities),
            "iati-organisations" => Some(FileKind::Organisations),
            _ => None,
        }
    }

    /// The element name of one record in a file of this kind.
    pub fn record(self) -> &'static str {
        match self {
            FileKind::Activities => "iati-activity",
            FileKind::Organisations => "iati-organisation",
        }
    }
}

/// Subtrees of a record that no mapping reads (results, locations, documents, …): skipped while reading,
/// so a record with thousands of result periods costs no memory.
const SKIPPED: &[&str] = &[
    "result",
    "location",
    "document-link",
    "contact-info",
    "crs-add",
    "fss",
    "conditions",
    "planned-disbursement",
    "country-budget-items",
    "legacy-data",
    "humanitarian-scope",
    "policy-marker",
    "related-activity",
    "other-identifier",
    "total-expenditure",
    "total-budget",
    "recipient-org-budget",
    "recipient-region-budget",
    "recipient-country-budget",
];

/// One element of a record, with what the mappings read: attributes, text, children, position and language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    /// The element's name.
    pub name: String,
    /// Its attributes as written (`xml:lang` included), values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Its own text (not its children's), unescaped.
    pub text: String,
    /// Its child elements, in order.
    pub children: Vec<Element>,
    /// 1-based line of its start tag.
    pub line: u64,
    /// 1-based column of its start tag.
    pub column: u64,
    /// Its language: its own `xml:lang`, else its nearest ancestor's (the file's root included).
    pub lang: Option<String>,
}

impl Element {
    /// The value of attribute `name`, trimmed; `None` when absent or empty.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(key, _)| key == name).map(|(_, value)| value.trim()).filter(|value| !value.is_empty())
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    /// The children named `name`, in order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// Its text, trimmed.
    pub fn trimmed_text(&self) -> &str {
        self.text.trim()
    }
}

/// A [`BufRead`] that notes where the lines break in what has been read, so byte offsets become lines and
/// columns. It keeps only the breaks not yet passed ([`LineCounter::forget_before`]).
#[derive(Debug)]
pub struct LineCounter<R> {
    inner: R,
    /// Whether a leading byte-order mark has been looked for (and skipped: the XML reader's offsets do not
    /// count it, so neither do these).
    bom_skipped: bool,
    consumed: u64,
    breaks: VecDeque<u64>,
    forgotten_lines: u64,
    last_forgotten: Option<u64>,
}

impl<R: BufRead> LineCounter<R> {
    /// Counts the lines of `inner`.
    pub fn new(inner: R) -> LineCounter<R> {
        LineCounter { inner, bom_skipped: false, consumed: 0, breaks: VecDeque::new(), forgotten_lines: 0, last_forgotten: None }
    }

    /// The 1-based line and column of byte `offset` (not before the last forgotten break).
    pub fn position(&self, offset: u64) -> (u64, u64) {
        let before = self.breaks.partition_point(|at| *at < offset);
        let line = self.forgotten_lines + before as u64 + 1;
        let line_start = if before > 0 { self.breaks.get(before - 1).copied() } else { self.last_forgotten };
        // An offset before the last forgotten break (a reader's error position may lie a little behind
        // what it read) counts as the start of the line it is counted on.
        let column = line_start.map_or(offset + 1, |at| offset.saturating_sub(at).max(1));
        (line, column)
    }

    /// Drops the breaks before `offset`: positions before it are not asked for again.
    pub fn forget_before(&mut self, offset: u64) {
        while let Some(at) = self.breaks.front().copied().filter(|at| *at < offset) {
            self.breaks.pop_front();
            self.forgotten_lines += 1;
            self.last_forgotten = Some(at);
        }
    }
}

impl<R: BufRead> std::io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if !self.bom_skipped {
            self.bom_skipped = true;
            if self.inner.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
                self.inner.consume(3);
            }
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffer) = self.inner.fill_buf() {
            let start = self.consumed;
            let end = amount.min(buffer.len());
            self.breaks.extend(buffer[..end].iter().enumerate().filter(|(_, byte)| **byte == b'\n').map(|(at, _)| start + at as u64));
        }
        self.inner.consume(amount);
        self.consumed += amount as u64;
    }
}

/// A streaming reader of one IATI file.
pub struct IatiReader<R: BufRead> {
    xml: quick_xml::Reader<LineCounter<R>>,
    buffer: Vec<u8>,
    kind: FileKind,
    root_lang: Option<String>,
    root: Element,
    done: bool,
}

impl<R: BufRead> IatiReader<R> {
    /// Reads up to the root element and checks that it is an IATI root.
    pub fn open(reader: R) -> Result<IatiReader<R>, Refusal> {
        let mut xml = quick_xml::Reader::from_reader(LineCounter::new(reader));
        let config = xml.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        let mut buffer = Vec::new();
        loop {
            let offset = xml.buffer_position();
            let event = read(&mut xml, &mut buffer)?;
            match event {
                Event::Start(start) => {
                    let root = element(&xml, &start, offset, None)?;
                    let Some(kind) = FileKind::of_root(&root.name) else {
                        return Err(Refusal::NotIati { line: root.line, column: root.column, root: root.name });
                    };
                    let root_lang = root.lang.clone();
                    return Ok(IatiReader { xml, buffer: Vec::new(), kind, root_lang, root, done: false });
                }
                Event::Eof => {
                    let (line, column) = xml.get_ref().position(offset);
                    return Err(Refusal::NotIati { line, column, root: String::new() });
                }
                Event::Text(text) if !text.trim().is_empty() => {
                    let (line, column) = xml.get_ref().position(offset);
                    return Err(Refusal::Malformed { line, column, reason: "text before the root element".to_owned() });
                }
                _ => {}
            }
        }
    }

    /// Which root the file has.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// The next record of the file, or `None` after the root closed (and nothing but comments followed).
    pub fn next_record(&mut self) -> Result<Option<Element>, Refusal> {
        if self.done {
            return Ok(None);
        }
        loop {
            let offset = self.xml.buffer_position();
            self.xml.get_mut().forget_before(offset);
            let event = read(&mut self.xml, &mut self.buffer)?;
            match event {
                Event::Start(start) => {
                    let element = element(&self.xml, &start, offset, self.root_lang.as_deref())?;
                    if element.name == self.kind.record() {
                        return self.read_tree(element).map(Some);
                    }
                    self.skip(&element)?;
                }
                Event::End(_) => {
                    self.finish()?;
                    return Ok(None);
                }
                Event::Eof => return Err(self.unexpected_end(offset, &self.root.name.clone())),
                _ => {}
            }
        }
    }

    /// Reads to the end of the file after the root closed: only comments, processing instructions and
    /// white space may follow.
    fn finish(&mut self) -> Result<(), Refusal> {
        self.done = true;
        loop {
            let offset = self.xml.buffer_position();
            match read(&mut self.xml, &mut self.buffer)? {
                Event::Eof => return Ok(()),
                Event::Text(text) if text.trim().is_empty() => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => {
                    let (line, column) = self.xml.get_ref().position(offset);
                    return Err(Refusal::Malformed { line, column, reason: "content after the root element".to_owned() });
                }
            }
        }
    }

    fn unexpected_end(&self, offset: u64, inside: &str) -> Refusal {
        let (line, column) = self.xml.get_ref().position(offset);
        Refusal::Malformed { line, column, reason: format!("the file ends inside <{inside}>") }
    }

    /// Skips the content of `element`, whose start tag was just read.
    fn skip(&mut self, element: &Element) -> Result<(), Refusal> {
        let mut depth = 1usize;
        while depth > 0 {
            let offset = self.xml.buffer_position();
            match read(&mut self.xml, &mut self.buffer)? {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(self.unexpected_end(offset, &element.name)),
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads the subtree of `top`, whose start tag was just read.
    fn read_tree(&mut self, top: Element) -> Result<Element, Refusal> {
        let mut stack = vec![top];
        loop {
            let offset = self.xml.buffer_position();
            let event = read(&mut self.xml, &mut self.buffer)?;
            match event {
                Event::Start(start) => {
                    let parent_lang = stack.last().and_then(|parent| parent.lang.clone());
                    let child = element(&self.xml, &start, offset, parent_lang.as_deref())?;
                    if child.name.contains(':') || SKIPPED.contains(&child.name.as_str()) {
                        self.skip(&child)?;
                    } else {
                        stack.push(child);
                    }
                }
                Event::End(_) => {
                    let Some(done) = stack.pop() else { continue };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Event::Text(text) => push_text(&mut stack, &text),
                Event::CData(data) => push_text(&mut stack, &data),
                Event::GeneralRef(reference) => {
                    let resolved = if reference.is_char_ref() {
                        reference.resolve_char_ref().ok().flatten().map(String::from)
                    } else {
                        resolve_predefined_entity(&reference).map(str::to_owned)
                    };
                    let Some(resolved) = resolved else {
                        let (line, column) = self.xml.get_ref().position(offset);
                        return Err(Refusal::Malformed { line, column, reason: format!("unknown entity `&{};`", &*reference) });
                    };
                    push_text(&mut stack, &resolved);
                }
                Event::Eof => {
                    let inside = stack.last().map_or_else(String::new, |element| element.name.clone());
                    return Err(self.unexpected_end(offset, &inside));
                }
                _ => {}
            }
        }
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(current) = stack.last_mut() {
        current.text.push_str(text);
    }
}

fn read<'b, R: BufRead>(xml: &mut quick_xml::Reader<LineCounter<R>>, buffer: &'b mut Vec<u8>) -> Result<Event<'b>, Refusal> {
    buffer.clear();
    match xml.read_event_into(buffer) {
        Ok(event) => Ok(event),
        Err(err) => {
            let (line, column) = xml.get_ref().position(xml.error_position());
            Err(Refusal::Malformed { line, column, reason: err.to_string() })
        }
    }
}

fn element<R: BufRead>(
    xml: &quick_xml::Reader<LineCounter<R>>,
    start: &BytesStart<'_>,
    offset: u64,
    parent_lang: Option<&str>,
) -> Result<Element, Refusal> {
    let (line, column) = xml.get_ref().position(offset);
    let malformed = |reason: String| Refusal::Malformed { line, column, reason };
    let name = start.name().as_ref().to_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|err| malformed(err.to_string()))?;
        let key = attr.key.as_ref().to_owned();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| malformed(format!("attribute `{key}`: {err}")))?
            .into_owned();
        attrs.push((key, value));
    }
    let own_lang =
        attrs.iter().find(|(key, _)| key == "xml:lang").map(|(_, value)| value.trim().to_ascii_lowercase()).filter(|lang| !lang.is_empty());
    let lang = own_lang.or_else(|| parent_lang.map(str::to_owned));
    Ok(Element { name, attrs, text: String::new(), children: Vec::new(), line, column, lang })
}
