//! LEB128 varints: how the codec writes lengths and counts, and how the staging arenas prefix strings.

/// Appends `value` as a LEB128 varint: seven bits a byte, low bits first, the high bit set on every byte
/// but the last (how the codec writes lengths and counts, and how the staging arenas prefix strings).
pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads the LEB128 varint at the start of `bytes`: its value and how many bytes it took.
pub(crate) fn read_varint(bytes: &[u8]) -> Result<(u64, usize), &'static str> {
    // Most lengths and counts are under 128: one byte, read without the loop (the loop cost 9.6 % of an
    // IATI import's samples, mostly through the staged ids' length prefixes).
    if let Some(&byte) = bytes.first()
        && byte < 0x80
    {
        return Ok((u64::from(byte), 1));
    }
    let mut value = 0u64;
    for (at, shift) in (0..64).step_by(7).enumerate() {
        let byte = *bytes.get(at).ok_or("truncated")?;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok((value, at + 1));
        }
    }
    Err("varint too long")
}
