//! The crosswalk between OECD triangular roles and IATI participating-organisation roles.
//!
//! The two vocabularies answer different questions. OECD roles say *why* a partner is in a triangular
//! arrangement (it benefits, it shares experience, it facilitates); IATI roles say *what it does with the
//! money and the work* (funds, is accountable, extends, implements). Neither derives the other, so the
//! graph stores both as the sources state them. This table records which pairings are typical, so analysts
//! can line up OECD-coded and IATI-coded data; it is exposed over GraphQL as `roleCrosswalk`. The one place
//! a role is inferred is an IATI import, whose files state IATI roles only: [`imported_role`] codes the
//! OECD role there, by the typical pairing, and only in activities the publisher marks triangular.

use serde::Serialize;

use crate::{IatiRole, Role};

/// How often a pairing of an OECD role and an IATI role occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Affinity {
    /// The usual coding of this OECD role in IATI.
    Typical,
    /// Seen, but not the default.
    Possible,
}

/// One row of the crosswalk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CrosswalkEntry {
    /// The OECD role.
    pub role: Role,
    /// The IATI role.
    pub iati_role: IatiRole,
    /// How common the pairing is.
    pub affinity: Affinity,
    /// Why.
    pub note: &'static str,
}

const fn entry(role: Role, iati_role: IatiRole, affinity: Affinity, note: &'static str) -> CrosswalkEntry {
    CrosswalkEntry { role, iati_role, affinity, note }
}

/// The whole crosswalk, OECD role by OECD role.
pub const CROSSWALK: &[CrosswalkEntry] = &[
    entry(Role::Facilitating, IatiRole::Funding, Affinity::Typical, "a donor or multilateral body that finances the exchange"),
    entry(
        Role::Facilitating,
        IatiRole::Extending,
        Affinity::Typical,
        "a multilateral body that manages the funds on behalf of the funder (e.g. a trust fund administrator)",
    ),
    entry(Role::Facilitating, IatiRole::Accountable, Affinity::Possible, "the body accountable for oversight of the arrangement"),
    entry(Role::Pivotal, IatiRole::Implementing, Affinity::Typical, "the Southern partner that shares its experience carries out the work"),
    entry(Role::Pivotal, IatiRole::Funding, Affinity::Possible, "a pivotal partner that also co-finances (cost-sharing)"),
    entry(Role::Pivotal, IatiRole::Extending, Affinity::Possible, "a pivotal partner's national co-operation agency managing its share"),
    entry(
        Role::Beneficiary,
        IatiRole::Implementing,
        Affinity::Possible,
        "IATI codes beneficiary countries as recipient-country, not as a participating organisation; a beneficiary institution appears only when it implements",
    ),
    entry(Role::Beneficiary, IatiRole::Accountable, Affinity::Possible, "a beneficiary government accountable for the results"),
    entry(Role::Partner, IatiRole::Funding, Affinity::Possible, "a partner whose triangular role is not stated"),
    entry(Role::Partner, IatiRole::Accountable, Affinity::Possible, "a partner whose triangular role is not stated"),
    entry(Role::Partner, IatiRole::Extending, Affinity::Possible, "a partner whose triangular role is not stated"),
    entry(Role::Partner, IatiRole::Implementing, Affinity::Possible, "a partner whose triangular role is not stated"),
];

/// The IATI roles that typically code an OECD role (empty for BENEFICIARY and PARTNER).
pub fn typical_iati_roles(role: Role) -> Vec<IatiRole> {
    CROSSWALK.iter().filter(|row| row.role == role && row.affinity == Affinity::Typical).map(|row| row.iati_role).collect()
}

/// The OECD role an import from IATI, which states only IATI roles, gives a participating organisation.
/// In an activity marked triangular (IATI collaboration-type 8) it is the one OECD role this IATI role
/// typically codes (FUNDING and EXTENDING → FACILITATING, IMPLEMENTING → PIVOTAL); ACCOUNTABLE, which
/// typically codes none, and every participant of an activity not marked triangular, is PARTNER. The
/// beneficiary corner comes from the activity's recipient countries, not from a participating organisation.
pub fn imported_role(iati_role: IatiRole, triangular: bool) -> Role {
    if !triangular {
        return Role::Partner;
    }
    let mut typical = CROSSWALK.iter().filter(|row| row.iati_role == iati_role && row.affinity == Affinity::Typical);
    match (typical.next(), typical.next()) {
        (Some(row), None) => row.role,
        _ => Role::Partner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_iati_role_and_every_oecd_role_appear_in_the_crosswalk() {
        for role in Role::ALL {
            assert!(CROSSWALK.iter().any(|row| row.role == *role), "{role} missing");
        }
        for iati_role in IatiRole::ALL {
            assert!(CROSSWALK.iter().any(|row| row.iati_role == *iati_role), "{iati_role} missing");
        }
    }

    #[test]
    fn typical_codings() {
        assert_eq!(typical_iati_roles(Role::Facilitating), vec![IatiRole::Funding, IatiRole::Extending]);
        assert_eq!(typical_iati_roles(Role::Pivotal), vec![IatiRole::Implementing]);
        assert!(typical_iati_roles(Role::Beneficiary).is_empty());
    }

    #[test]
    fn imported_roles_follow_the_typical_pairings_in_triangular_activities_only() {
        assert_eq!(imported_role(IatiRole::Funding, true), Role::Facilitating);
        assert_eq!(imported_role(IatiRole::Extending, true), Role::Facilitating);
        assert_eq!(imported_role(IatiRole::Implementing, true), Role::Pivotal);
        assert_eq!(imported_role(IatiRole::Accountable, true), Role::Partner);
        for iati_role in IatiRole::ALL {
            assert_eq!(imported_role(*iati_role, false), Role::Partner);
        }
    }

    #[test]
    fn no_pairing_is_listed_twice() {
        for (i, a) in CROSSWALK.iter().enumerate() {
            for b in &CROSSWALK[i + 1..] {
                assert!(!(a.role == b.role && a.iati_role == b.iati_role), "{:?} twice", (a.role, a.iati_role));
            }
        }
    }
}
