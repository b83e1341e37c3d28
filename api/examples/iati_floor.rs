//! The floor of an IATI import, for BENCHMARKS.md (issue 18): only the work no import can skip. It streams
//! an activity file with quick-xml, takes from each activity its identifier, title, participating
//! organisations and recipient countries, and writes an agreement record, one record per participation
//! (with the import's edge ids and a source of the same length) and both adjacency entries of each into a
//! fresh redb file, in one write transaction committed at the end, with the batch commands' page cache.
//! No checks, no organisation resolution, no search terms, no degrees, no sorting: what is left is reading
//! the XML and writing the records.
//!
//! `cargo run --release -p partnergraph --example iati_floor -- FILE.xml OUT_DIR`

use quick_xml::events::Event;
use redb::{Builder, TableDefinition};

const NODES: TableDefinition<&str, &[u8]> = TableDefinition::new("nodes");
const EDGES: TableDefinition<&str, &[u8]> = TableDefinition::new("edges");
const ADJACENCY: TableDefinition<(&str, u8, &str), ()> = TableDefinition::new("adjacency");

/// What one activity needs written.
#[derive(Default)]
struct Activity {
    identifier: String,
    title: String,
    /// (organisation identifier or name, role code)
    participants: Vec<(String, String)>,
    countries: Vec<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: iati_floor FILE.xml OUT_DIR".into());
    };
    std::fs::create_dir_all(&out)?;
    let started = std::time::Instant::now();
    let mut builder = Builder::new();
    builder.set_cache_size(64 << 20);
    let db = builder.create(std::path::Path::new(&out).join("floor.redb"))?;
    let txn = db.begin_write()?;
    let (mut activities, mut edges) = (0u64, 0u64);
    {
        let mut nodes = txn.open_table(NODES)?;
        let mut edge_table = txn.open_table(EDGES)?;
        let mut adjacency = txn.open_table(ADJACENCY)?;
        let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&file)?));
        let mut buf = Vec::new();
        let mut current: Option<Activity> = None;
        let mut text_of: Option<&'static str> = None;
        loop {
            match reader.read_event_into(&mut buf)? {
                Event::Eof => break,
                Event::Start(element) | Event::Empty(element) => {
                    let attr = |name: &str| {
                        element
                            .attributes()
                            .flatten()
                            .find(|attribute| attribute.key.as_ref() == name)
                            .map(|attribute| attribute.value.to_string())
                    };
                    match element.name().as_ref() {
                        "iati-activity" => current = Some(Activity::default()),
                        "iati-identifier" => text_of = Some("identifier"),
                        "narrative" if current.as_ref().is_some_and(|activity| activity.title.is_empty()) => text_of = Some("title"),
                        "participating-org" => {
                            if let Some(activity) = &mut current {
                                activity.participants.push((attr("ref").unwrap_or_default(), attr("role").unwrap_or_default()));
                            }
                        }
                        "recipient-country" => {
                            if let Some(activity) = &mut current {
                                activity.countries.push(attr("code").unwrap_or_default());
                            }
                        }
                        _ => {}
                    }
                }
                Event::Text(text) => {
                    if let (Some(field), Some(activity)) = (text_of.take(), &mut current) {
                        let text: String = text.to_string();
                        if field == "identifier" { activity.identifier = text } else { activity.title = text }
                    }
                }
                Event::End(element) if element.name().as_ref() == "iati-activity" => {
                    if let Some(activity) = current.take() {
                        edges += write(&activity, &file, &mut nodes, &mut edge_table, &mut adjacency)?;
                        activities += 1;
                    }
                }
                _ => {}
            }
            buf.clear();
        }
    }
    let parsed_and_written = started.elapsed();
    txn.commit()?;
    println!(
        "{activities} activities, {edges} participations: {:.1} s to parse and write, {:.1} s in all with the commit",
        parsed_and_written.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Writes one activity's records; returns how many participations.
fn write(
    activity: &Activity,
    file: &str,
    nodes: &mut redb::Table<&str, &[u8]>,
    edges: &mut redb::Table<&str, &[u8]>,
    adjacency: &mut redb::Table<(&str, u8, &str), ()>,
) -> Result<u64, redb::Error> {
    let agreement = format!("agreement:iati-{}", activity.identifier.to_ascii_lowercase());
    let value = format!("{}\u{0}{}\u{0}{file} / {} / iati-activity", activity.title, activity.identifier, activity.identifier);
    nodes.insert(agreement.as_str(), value.as_bytes())?;
    let mut count = 0;
    let corners = activity.participants.iter().map(|(org, role)| (format!("agency:iati-{}", org.to_ascii_lowercase()), role.as_str()));
    let countries = activity.countries.iter().map(|code| (format!("country:{code}"), "recipient"));
    for (actor, role) in corners.chain(countries) {
        let id = format!("{actor}>participates_in>{agreement}~{role}");
        let source = format!(
            "{actor}\u{0}{agreement}\u{0}{file}\u{0}{} / participating-org (matched by IATI organisation identifier)",
            activity.identifier
        );
        edges.insert(id.as_str(), source.as_bytes())?;
        adjacency.insert((actor.as_str(), 3, id.as_str()), ())?;
        adjacency.insert((agreement.as_str(), 3, id.as_str()), ())?;
        count += 1;
    }
    Ok(count)
}
