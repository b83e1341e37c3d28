//! An activity's status, recipients and money as real files give them: transactions in several currencies
//! and 1.0x codes, a revised budget, regions without a vocabulary, shares that are not numbers, unknown
//! status codes, recipients given only on transactions.

use partnergraph_schema::{ActivityStatus, AmountKind, Recipient};

use super::tests::{AGREEMENT, activity, mapped, node};

fn transaction(code: &str, value: &str) -> String {
    format!(r#"<transaction><transaction-type code="{code}"/>{value}</transaction>"#)
}

#[test]
fn budgets_commitments_and_disbursements_are_summed_per_currency() {
    let body = [
        r#"<activity-status code="3"/>"#.to_owned(),
        r#"<budget type="1"><period-start iso-date="2020-01-01"/><value>100</value></budget>"#.to_owned(),
        r#"<budget type="2"><period-start iso-date="2020-01-01"/><value>150</value></budget>"#.to_owned(),
        r#"<budget type="1"><period-start iso-date="2021-01-01"/><value currency="EUR">40</value></budget>"#.to_owned(),
        transaction("2", "<value>1000</value>"),
        transaction("C", r#"<value currency="usd">500.5</value>"#),
        transaction("2", r#"<value currency="EUR">70</value>"#),
        transaction("3", "<value>300</value>"),
        transaction("D", "<value>200</value>"),
        transaction("3", "<value>n/a</value>"),
        transaction("1", "<value>9999</value>"),
    ]
    .concat();
    let (batch, warnings) = mapped(&activity(r#"default-currency="USD""#, &body));
    let agreement = node(&batch, AGREEMENT);
    assert_eq!(agreement.status, Some(ActivityStatus::Finalisation));
    let amounts: Vec<(AmountKind, &str, f64)> =
        agreement.amounts.iter().map(|amount| (amount.kind, amount.currency.as_str(), amount.value)).collect();
    assert_eq!(
        amounts,
        [
            (AmountKind::Budget, "EUR", 40.0),
            (AmountKind::Budget, "USD", 150.0),
            (AmountKind::Commitment, "EUR", 70.0),
            (AmountKind::Commitment, "USD", 1500.5),
            (AmountKind::Disbursement, "USD", 500.0),
        ],
        "a revised budget replaces the original of its period; incoming funds are left out"
    );
    assert_eq!(agreement.amount_usd, None, "one commitment is in euros: no size in dollars");
    let kinds: Vec<&str> = warnings.kept().iter().map(|warning| warning.kind.name()).collect();
    assert_eq!(kinds, ["amount not a number"], "the bad disbursement is a warning, read once");
}

#[test]
fn recipients_keep_their_shares_and_a_bad_share_or_status_is_a_warning() {
    let body = r#"<activity-status code="9"/>
        <recipient-country code="ke" percentage="60"/>
        <recipient-country code="KE" percentage="10"/>
        <recipient-country code="TZ" percentage="forty"/>
        <recipient-region code="298" percentage="40"/>
        <recipient-region code="002" vocabulary="2"/>"#;
    let (batch, warnings) = mapped(&activity("", body));
    let agreement = node(&batch, AGREEMENT);
    assert_eq!(agreement.status, None);
    let country = |code: &str, percentage| Recipient { country: Some(code.to_owned()), region: None, vocabulary: None, percentage };
    let region = |code: &str, vocabulary: &str, percentage| Recipient {
        country: None,
        region: Some(code.to_owned()),
        vocabulary: Some(vocabulary.to_owned()),
        percentage,
    };
    assert_eq!(
        agreement.recipients,
        [country("KEN", Some(60.0)), country("TZA", None), region("298", "1", Some(40.0)), region("002", "2", None)],
        "each country once, the first kept; a region without a vocabulary is OECD DAC's"
    );
    let kinds: Vec<&str> = warnings.kept().iter().map(|warning| warning.kind.name()).collect();
    assert!(kinds.contains(&"unknown activity status"), "{kinds:?}");
    assert!(kinds.contains(&"percentage not a number from 0 to 100"), "{kinds:?}");
}

#[test]
fn recipients_given_only_on_transactions_are_read_there() {
    let body = r#"<transaction><transaction-type code="3"/><value currency="USD">5</value><recipient-country code="BR"/></transaction>
        <transaction><transaction-type code="3"/><value currency="USD">6</value><recipient-region code="489"/></transaction>"#;
    let (batch, _) = mapped(&activity("", body));
    let recipients: Vec<(Option<&str>, Option<&str>)> =
        node(&batch, AGREEMENT).recipients.iter().map(|recipient| (recipient.country.as_deref(), recipient.region.as_deref())).collect();
    assert_eq!(recipients, [(Some("BRA"), None), (None, Some("489"))]);
}
