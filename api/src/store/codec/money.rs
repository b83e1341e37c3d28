//! The stored form of the structured lists added with IATI's details: an agreement's recipients and amounts
//! of money, and a node's translations.
//!
//! Recipients: their count, then each one's presence byte (country, region, vocabulary, percentage), the
//! strings present, and the percentage. Amounts: their count, then each one's kind code, currency and value.
//! Translations: their count, then each one's language, presence byte (name, description) and texts.

use partnergraph_schema::{Amount, AmountKind, Recipient, Translation};

use super::reader::{Read, Reader};
use super::{Writer, code};

const COUNTRY: u8 = 1;
const REGION: u8 = 2;
const VOCABULARY: u8 = 4;
const PERCENTAGE: u8 = 8;

impl Writer {
    pub(super) fn recipients(&mut self, recipients: &[Recipient]) {
        self.varint(recipients.len() as u64);
        for Recipient { country, region, vocabulary, percentage } in recipients {
            let present = [
                (country.is_some(), COUNTRY),
                (region.is_some(), REGION),
                (vocabulary.is_some(), VOCABULARY),
                (percentage.is_some(), PERCENTAGE),
            ];
            self.out.push(present.iter().filter(|(is, _)| *is).map(|(_, bit)| bit).sum());
            for text in [country, region, vocabulary].into_iter().flatten() {
                self.str(text);
            }
            if let Some(percentage) = percentage {
                self.f64(*percentage);
            }
        }
    }

    pub(super) fn translations(&mut self, translations: &[Translation]) {
        self.varint(translations.len() as u64);
        for Translation { language, name, description } in translations {
            self.str(language);
            self.out.push(u8::from(name.is_some()) | u8::from(description.is_some()) << 1);
            for text in [name, description].into_iter().flatten() {
                self.str(text);
            }
        }
    }

    pub(super) fn amounts(&mut self, amounts: &[Amount]) {
        self.varint(amounts.len() as u64);
        for Amount { kind, currency, value } in amounts {
            self.out.push(code(AmountKind::ALL, *kind));
            self.str(currency);
            self.f64(*value);
        }
    }
}

impl Reader<'_> {
    pub(super) fn recipients(&mut self) -> Read<Vec<Recipient>> {
        let count = self.len()?;
        let mut recipients = Vec::with_capacity(count.min(self.bytes.len()));
        for _ in 0..count {
            let present = self.byte()?;
            if present & !(COUNTRY | REGION | VOCABULARY | PERCENTAGE) != 0 {
                return Err("unknown recipient flags");
            }
            let mut text = |bit: u8| if present & bit != 0 { self.string().map(Some) } else { Ok(None) };
            let (country, region, vocabulary) = (text(COUNTRY)?, text(REGION)?, text(VOCABULARY)?);
            let percentage = if present & PERCENTAGE != 0 { Some(self.f64()?) } else { None };
            recipients.push(Recipient { country, region, vocabulary, percentage });
        }
        Ok(recipients)
    }

    pub(super) fn translations(&mut self) -> Read<Vec<Translation>> {
        let count = self.len()?;
        let mut translations = Vec::with_capacity(count.min(self.bytes.len() / 2));
        for _ in 0..count {
            let language = self.string()?;
            let present = self.byte()?;
            if present > 3 {
                return Err("unknown translation flags");
            }
            let name = if present & 1 != 0 { Some(self.string()?) } else { None };
            let description = if present & 2 != 0 { Some(self.string()?) } else { None };
            translations.push(Translation { language, name, description });
        }
        Ok(translations)
    }

    pub(super) fn amounts(&mut self) -> Read<Vec<Amount>> {
        let count = self.len()?;
        let mut amounts = Vec::with_capacity(count.min(self.bytes.len() / 10));
        for _ in 0..count {
            amounts.push(Amount { kind: self.code(AmountKind::ALL)?, currency: self.string()?, value: self.f64()? });
        }
        Ok(amounts)
    }
}
