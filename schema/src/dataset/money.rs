//! The checks of an agreement's recipients (countries and regions with their shares) and money (budgets,
//! commitments and disbursements summed per currency): each recipient is one country or one region, a share
//! is a percentage, a currency is an ISO 4217 code, and each kind of money is given once per currency.

use crate::wire::{NodeRecord, Recipient};

use super::ProblemKind;

/// Whether `code` is shaped like an ISO 4217 currency code (three upper-case letters).
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|byte| byte.is_ascii_uppercase())
}

/// The problems of `node`'s recipients and amounts.
pub(super) fn check(node: &NodeRecord) -> Vec<ProblemKind> {
    let mut problems = Vec::new();
    let recipient = |reason| ProblemKind::InvalidRecipient { id: node.id.clone(), reason };
    for (index, found) in node.recipients.iter().enumerate() {
        if let Some(reason) = recipient_problem(found) {
            problems.push(recipient(reason));
        } else if node.recipients[..index].iter().any(|earlier| same_place(earlier, found)) {
            problems.push(recipient("a country or region is listed twice"));
        }
    }
    let money = |reason| ProblemKind::InvalidMoney { id: node.id.clone(), reason };
    for (index, amount) in node.amounts.iter().enumerate() {
        if !is_currency_code(&amount.currency) {
            problems.push(money("a currency is three upper-case letters (ISO 4217)"));
        }
        if !amount.value.is_finite() {
            problems.push(money("a value is a number"));
        }
        if node.amounts[..index].iter().any(|earlier| (earlier.kind, &earlier.currency) == (amount.kind, &amount.currency)) {
            problems.push(money("a kind of money is given twice in one currency"));
        }
    }
    problems
}

/// What is wrong with one recipient, if anything.
fn recipient_problem(recipient: &Recipient) -> Option<&'static str> {
    match (&recipient.country, &recipient.region) {
        (Some(country), None) if country.len() != 3 || !country.bytes().all(|byte| byte.is_ascii_uppercase()) => {
            Some("a country is its ISO 3166-1 alpha-3 code")
        }
        (Some(_), None) if recipient.vocabulary.is_some() => Some("a country has no region vocabulary"),
        (None, Some(region)) if region.trim().is_empty() || region.len() > 64 => Some("a region code is 1 to 64 bytes"),
        (None, Some(_))
            if recipient.vocabulary.as_ref().is_some_and(|vocabulary| vocabulary.trim().is_empty() || vocabulary.len() > 16) =>
        {
            Some("a region vocabulary is 1 to 16 bytes")
        }
        (Some(_), None) | (None, Some(_)) => recipient
            .percentage
            .filter(|share| !(share.is_finite() && (0.0..=100.0).contains(share)))
            .map(|_| "a share is a percentage from 0 to 100"),
        _ => Some("a recipient is one country or one region"),
    }
}

/// Whether two recipients name the same country, or the same region in the same vocabulary.
fn same_place(left: &Recipient, right: &Recipient) -> bool {
    (&left.country, &left.region, &left.vocabulary) == (&right.country, &right.region, &right.vocabulary)
}
