//! The details IATI files give over GraphQL: an agreement's status, recipients and money (the
//! `ActivityStatus` and `AmountKind` enums, the `Recipient` and `Amount` objects an `Agreement` lists), a
//! node's `Translation`s, and their input forms for curation.

use async_graphql::{Enum, InputObject, SimpleObject};

/// Where an agreement stands (the IATI ActivityStatus codelist, codes 1–6).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ActivityStatus", remote = "partnergraph_schema::ActivityStatus")]
pub enum ActivityStatus {
    /// Pipeline or identification: being scoped or planned.
    Pipeline,
    /// Being implemented.
    Implementation,
    /// Physical activity complete, or the final disbursement made; reporting and evaluation go on.
    Finalisation,
    /// Finished and closed.
    Closed,
    /// Cancelled.
    Cancelled,
    /// Suspended for a time.
    Suspended,
}

/// What an amount of an agreement's money is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AmountKind", remote = "partnergraph_schema::AmountKind")]
pub enum AmountKind {
    /// Its budgets (a revised budget replaces the original one of the same period).
    Budget,
    /// Its commitments.
    Commitment,
    /// Its disbursements.
    Disbursement,
}

/// A recipient of an agreement: one country or one region, with its share when the source gives one.
#[derive(SimpleObject)]
pub struct Recipient {
    /// A country, by ISO 3166-1 alpha-3 (its node is `country:<code>`); null for a region.
    pub country: Option<String>,
    /// A region, by its code in `vocabulary`; null for a country.
    pub region: Option<String>,
    /// A region's IATI RegionVocabulary code: `1` OECD DAC, `2` UN M49, `99` the publisher's own.
    pub vocabulary: Option<String>,
    /// Its share of the agreement, in percent.
    pub percentage: Option<f64>,
}

impl From<partnergraph_schema::Recipient> for Recipient {
    fn from(recipient: partnergraph_schema::Recipient) -> Recipient {
        let partnergraph_schema::Recipient { country, region, vocabulary, percentage } = recipient;
        Recipient { country, region, vocabulary, percentage }
    }
}

/// The sum of an agreement's money of one kind in one currency (not converted).
#[derive(SimpleObject)]
pub struct Amount {
    /// Budgets, commitments or disbursements.
    pub kind: AmountKind,
    /// ISO 4217 code (`USD`, `EUR`).
    pub currency: String,
    /// The sum, in that currency.
    pub value: f64,
}

impl From<partnergraph_schema::Amount> for Amount {
    fn from(amount: partnergraph_schema::Amount) -> Amount {
        Amount { kind: amount.kind.into(), currency: amount.currency, value: amount.value }
    }
}

/// A recipient, as the dataset format writes it: a `country` or a `region` (with its `vocabulary`).
#[derive(InputObject)]
pub struct RecipientInput {
    /// ISO 3166-1 alpha-3.
    pub country: Option<String>,
    /// A region code.
    pub region: Option<String>,
    /// The region's vocabulary code.
    pub vocabulary: Option<String>,
    /// Share in percent.
    pub percentage: Option<f64>,
}

impl From<RecipientInput> for partnergraph_schema::Recipient {
    fn from(input: RecipientInput) -> partnergraph_schema::Recipient {
        let RecipientInput { country, region, vocabulary, percentage } = input;
        partnergraph_schema::Recipient { country, region, vocabulary, percentage }
    }
}

/// An amount of money, as the dataset format writes it.
#[derive(InputObject)]
pub struct AmountInput {
    /// Budgets, commitments or disbursements.
    pub kind: AmountKind,
    /// ISO 4217 code.
    pub currency: String,
    /// The sum.
    pub value: f64,
}

impl From<AmountInput> for partnergraph_schema::Amount {
    fn from(input: AmountInput) -> partnergraph_schema::Amount {
        partnergraph_schema::Amount { kind: input.kind.into(), currency: input.currency, value: input.value }
    }
}

/// A node's name and description in one other language than its own.
#[derive(SimpleObject)]
pub struct Translation {
    /// ISO 639-1 code (`fr`, `es`).
    pub language: String,
    /// The name in that language.
    pub name: Option<String>,
    /// The description in that language.
    pub description: Option<String>,
}

impl From<&partnergraph_schema::Translation> for Translation {
    fn from(translation: &partnergraph_schema::Translation) -> Translation {
        let partnergraph_schema::Translation { language, name, description } = translation.clone();
        Translation { language, name, description }
    }
}

/// A translation, as the dataset format writes it.
#[derive(InputObject)]
pub struct TranslationInput {
    /// ISO 639-1 code, lower case.
    pub language: String,
    /// The name in that language.
    pub name: Option<String>,
    /// The description in that language.
    pub description: Option<String>,
}

impl From<TranslationInput> for partnergraph_schema::Translation {
    fn from(input: TranslationInput) -> partnergraph_schema::Translation {
        let TranslationInput { language, name, description } = input;
        partnergraph_schema::Translation { language, name, description }
    }
}
