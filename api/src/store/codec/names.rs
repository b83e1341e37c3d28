//! A stored node's names (name, acronym, aliases), which come first in its stored form after its flags
//! and kind: decoded owned or borrowed, or only the name's length, without reading the rest of the record
//! (search ranks and maps label nodes from these alone; the in-memory topology keeps this prefix).

use partnergraph_schema::NodeKind;
use partnergraph_schema::text::{NameRefs, NodeNames};

use crate::store::StoreError;
use crate::store::codec::reader::{Read, Reader};
use crate::store::codec::{Decode, Flags, NodeFlag, corrupt};

/// Reads only a stored node's names, which come first: the rest of the record is neither read nor checked.
impl Decode for NodeNames {
    fn decode(key: &str, bytes: &[u8]) -> Result<NodeNames, StoreError> {
        read_names(&mut Reader { bytes }).map(|(_, _, names)| names).map_err(|reason| corrupt(key, reason))
    }
}

/// The start of a node's stored form that holds its flags, kind and names: what [`NodeNames`] decodes
/// from (the in-memory topology keeps it for every node).
pub(crate) fn names_prefix<'a>(key: &str, bytes: &'a [u8]) -> Result<&'a [u8], StoreError> {
    let mut reader = Reader { bytes };
    read_names(&mut reader).map_err(|reason| corrupt(key, reason))?;
    Ok(&bytes[..bytes.len() - reader.bytes.len()])
}

/// A stored node's names, borrowed from its stored form (or from the prefix [`names_prefix`] keeps);
/// `key` names the record in an error.
pub(crate) fn name_refs<'a, 'k>(key: impl FnOnce() -> &'k str, bytes: &'a [u8]) -> Result<NameRefs<'a>, StoreError> {
    read_name_refs(&mut Reader { bytes }).map(|(_, _, names)| names).map_err(|reason| corrupt(key(), reason))
}

/// The length in bytes of a stored node's name, read from the same bytes as [`name_refs`] without
/// checking or borrowing the names.
pub(crate) fn name_len<'k>(key: impl FnOnce() -> &'k str, bytes: &[u8]) -> Result<usize, StoreError> {
    let mut reader = Reader { bytes };
    read_head(&mut reader).and_then(|_| reader.len()).map_err(|reason| corrupt(key(), reason))
}

/// A node's flags and kind: the start of its stored form, before its names.
fn read_head(reader: &mut Reader<'_>) -> Read<(Flags, NodeKind)> {
    Ok((reader.flags(NodeFlag::Translations as u8 + 1)?, reader.code(NodeKind::ALL)?))
}

/// A node's flags, kind and names: the start of its stored form.
pub(super) fn read_names(reader: &mut Reader<'_>) -> Read<(Flags, NodeKind, NodeNames)> {
    let (flags, kind, names) = read_name_refs(reader)?;
    Ok((flags, kind, names.to_owned()))
}

/// [`read_names`], borrowing the names.
fn read_name_refs<'a>(reader: &mut Reader<'a>) -> Read<(Flags, NodeKind, NameRefs<'a>)> {
    let (flags, kind) = read_head(reader)?;
    let name = reader.str()?;
    let acronym = if flags.has(NodeFlag::Acronym as u8) { Some(reader.str()?) } else { None };
    let aliases = if flags.has(NodeFlag::Aliases as u8) {
        (0..reader.len()?).map(|_| reader.str()).collect::<Read<Vec<&str>>>()?
    } else {
        Vec::new()
    };
    Ok((flags, kind, NameRefs { name, acronym, aliases }))
}
