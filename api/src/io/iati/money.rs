//! An activity's status, recipients and money (`schema/data/README.md`, "Activity files"): the
//! `activity-status` code; the recipient countries and regions with their percentages; the budgets,
//! commitments and disbursements each summed per currency, and the size in US dollars where every summed
//! value is in dollars. Nothing is converted between currencies.

use std::collections::BTreeMap;

use partnergraph_schema::{ActivityStatus, Amount, AmountKind, Recipient};

use crate::countries;
use crate::io::iati::activity::own_or_transactions;
use crate::io::iati::warning::{WarningKind, Warnings};
use crate::io::iati::xml::Element;

/// The region vocabulary a `recipient-region` without one is in: OECD DAC.
const DEFAULT_REGION_VOCABULARY: &str = "1";

/// The activity's status, if it gives a known code (else a warning).
pub fn status(activity: &Element, warnings: &mut Warnings) -> Option<ActivityStatus> {
    let element = activity.child("activity-status")?;
    let code = element.attr("code")?;
    let status = ActivityStatus::from_code(code);
    if status.is_none() {
        warnings.push(element.line, element.column, WarningKind::UnknownStatus(code.to_owned()));
    }
    status
}

/// The recipient countries (alpha-3) and regions (code and vocabulary), each once with its percentage:
/// the activity's, or if it names none, its transactions'. Unknown country codes are left out (the
/// beneficiaries' mapping warns of them).
pub fn recipients(activity: &Element, warnings: &mut Warnings) -> Vec<Recipient> {
    let mut recipients: Vec<Recipient> = Vec::new();
    for element in own_or_transactions(activity, "recipient-country").0 {
        let Some(country) = element.attr("code").and_then(countries::alpha3) else { continue };
        let recipient =
            Recipient { country: Some(country.to_owned()), region: None, vocabulary: None, percentage: share(element, warnings) };
        if !recipients.iter().any(|known| known.country == recipient.country) {
            recipients.push(recipient);
        }
    }
    for element in own_or_transactions(activity, "recipient-region").0 {
        let Some(code) = element.attr("code").map(str::trim).filter(|code| !code.is_empty() && code.len() <= 64) else { continue };
        let vocabulary = element.attr("vocabulary").map(str::trim).filter(|vocabulary| !vocabulary.is_empty() && vocabulary.len() <= 16);
        let vocabulary = vocabulary.unwrap_or(DEFAULT_REGION_VOCABULARY).to_owned();
        let recipient =
            Recipient { country: None, region: Some(code.to_owned()), vocabulary: Some(vocabulary), percentage: share(element, warnings) };
        if !recipients.iter().any(|known| (&known.region, &known.vocabulary) == (&recipient.region, &recipient.vocabulary)) {
            recipients.push(recipient);
        }
    }
    recipients
}

/// The `percentage` of `element`, if it is a number from 0 to 100 (else a warning).
fn share(element: &Element, warnings: &mut Warnings) -> Option<f64> {
    let text = element.attr("percentage")?;
    let share = text.trim().parse::<f64>().ok().filter(|share| share.is_finite() && (0.0..=100.0).contains(share));
    if share.is_none() {
        warnings.push(element.line, element.column, WarningKind::BadPercentage(text.to_owned()));
    }
    share
}

/// A value element's amount and currency (its own, else the activity's default), with warnings.
fn value(element: &Element, default_currency: Option<&str>, warnings: &mut Warnings) -> Option<(String, f64)> {
    let text = element.trimmed_text();
    let Some(amount) = text.parse::<f64>().ok().filter(|amount| amount.is_finite()) else {
        warnings.push(element.line, element.column, WarningKind::BadAmount(text.to_owned()));
        return None;
    };
    let Some(currency) = element.attr("currency").or(default_currency) else {
        warnings.push(element.line, element.column, WarningKind::MissingCurrency);
        return None;
    };
    Some((currency.trim().to_ascii_uppercase(), amount))
}

/// An activity's money as the agreement keeps it.
pub struct Money {
    /// The size in US dollars: the sum of its commitments, or with none the sum of its budgets; `None` if
    /// any summed value is in another currency, or there is none.
    pub amount_usd: Option<f64>,
    /// Budgets, commitments and disbursements, each summed per currency (kind, then currency order).
    pub amounts: Vec<Amount>,
}

/// The budgets (a revised budget replacing the original one of the same period), commitments (transaction
/// type 2, `C` in 1.0x) and disbursements (3, `D`) of the activity, each value read once.
pub fn money(activity: &Element, warnings: &mut Warnings) -> Money {
    let default_currency = activity.attr("default-currency");
    let mut by_period: BTreeMap<String, (bool, &Element)> = BTreeMap::new();
    for budget in activity.children_named("budget") {
        let Some(value) = budget.child("value") else { continue };
        let period = budget.child("period-start").and_then(|start| start.attr("iso-date")).unwrap_or_default().to_owned();
        let revised = budget.attr("type") == Some("2");
        if by_period.get(&period).is_none_or(|(kept_revised, _)| revised && !kept_revised) {
            by_period.insert(period, (revised, value));
        }
    }
    let transactions = |codes: [&str; 2]| -> Vec<&Element> {
        activity
            .children_named("transaction")
            .filter(|transaction| {
                transaction.child("transaction-type").and_then(|kind| kind.attr("code")).is_some_and(|code| codes.contains(&code.trim()))
            })
            .filter_map(|transaction| transaction.child("value"))
            .collect()
    };
    let commitments = transactions(["2", "C"]);
    let basis = if commitments.is_empty() { AmountKind::Budget } else { AmountKind::Commitment };
    let groups = [
        (AmountKind::Budget, by_period.into_values().map(|(_, value)| value).collect::<Vec<_>>()),
        (AmountKind::Commitment, commitments),
        (AmountKind::Disbursement, transactions(["3", "D"])),
    ];
    let mut amounts = Vec::new();
    let mut usd: BTreeMap<AmountKind, (bool, bool, f64)> = BTreeMap::new();
    for (kind, elements) in groups {
        let mut sums: BTreeMap<String, f64> = BTreeMap::new();
        let (mut any, mut all_usd, mut total) = (false, true, 0.0);
        for element in elements {
            let Some((currency, amount)) = value(element, default_currency, warnings) else { continue };
            (any, all_usd, total) = (true, all_usd && currency == "USD", total + amount);
            *sums.entry(currency).or_default() += amount;
        }
        usd.insert(kind, (any, all_usd, total));
        amounts.extend(sums.into_iter().map(|(currency, value)| Amount { kind, currency, value }));
    }
    let amount_usd = usd.get(&basis).and_then(|(any, all_usd, total)| (*any && *all_usd && *total >= 0.0).then_some(*total));
    Money { amount_usd, amounts }
}
