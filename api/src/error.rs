//! The one place where errors become user-facing codes.
//!
//! [`AppError`] gathers the errors of every layer; [`AppError::code`] maps each to a [`Code`], which fixes
//! both the GraphQL `extensions.code` and the HTTP status. Internal failures show the client only
//! "internal error"; their detail goes to the log.

use async_graphql::ErrorExtensions;
use partnergraph_schema::IdError;

use crate::graph::GraphError;
use crate::graph::curation::CurationError;
use crate::store::StoreError;
use crate::tokens::TokenError;

/// A user-facing error class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The request is malformed or an argument is out of range.
    BadUserInput,
    /// The thing asked about does not exist.
    NotFound,
    /// The write conflicts with stored data (a stale version, a node that still has edges).
    Conflict,
    /// A write came without a valid API token.
    Unauthenticated,
    /// The API token was revoked, or its scope does not allow the write.
    Forbidden,
    /// Too many writes from this token or address; retry after the time `Retry-After` says.
    RateLimited,
    /// The query asks for more than one request may (fragments, fields or work): refused before it ran.
    QueryTooComplex,
    /// The answer would be larger than the server sends.
    ResponseTooLarge,
    /// The request took longer than the server allows.
    Timeout,
    /// The server has too many requests or connections at once; retry shortly.
    Overloaded,
    /// The database is unreachable or too slow; retry later.
    StoreUnavailable,
    /// A bug or a corrupt store; details are in the server log.
    Internal,
}

impl Code {
    /// The `extensions.code` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadUserInput => "BAD_USER_INPUT",
            Code::NotFound => "NOT_FOUND",
            Code::Conflict => "CONFLICT",
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::Forbidden => "FORBIDDEN",
            Code::RateLimited => "RATE_LIMITED",
            Code::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Code::ResponseTooLarge => "RESPONSE_TOO_LARGE",
            Code::Timeout => "TIMEOUT",
            Code::Overloaded => "OVERLOADED",
            Code::StoreUnavailable => "STORE_UNAVAILABLE",
            Code::Internal => "INTERNAL",
        }
    }

    /// The HTTP status for REST endpoints.
    pub fn http_status(self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Code::BadUserInput => StatusCode::BAD_REQUEST,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::Conflict => StatusCode::CONFLICT,
            Code::Unauthenticated => StatusCode::UNAUTHORIZED,
            Code::Forbidden => StatusCode::FORBIDDEN,
            Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Code::QueryTooComplex | Code::ResponseTooLarge => StatusCode::BAD_REQUEST,
            Code::Timeout => StatusCode::GATEWAY_TIMEOUT,
            Code::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            Code::StoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Any error that reaches a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// A graph question failed.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// The store failed outside a graph question.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A malformed id.
    #[error(transparent)]
    Id(#[from] IdError),
    /// Any other bad input.
    #[error("{0}")]
    BadInput(String),
    /// The request ran out of time.
    #[error("the request took longer than {0} s")]
    Timeout(u64),
    /// A batch of changes was refused or failed.
    #[error(transparent)]
    Curation(#[from] CurationError),
    /// The write needs a scope the token does not have.
    #[error("this write needs a token with the `{needed}` scope; `{token}` has `{has}`")]
    Forbidden {
        /// The token's name.
        token: String,
        /// Its scope.
        has: &'static str,
        /// The scope needed.
        needed: &'static str,
    },
    /// A token operation failed.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A write without a token.
    #[error("writes need an API token: send `Authorization: Bearer <token>` (see `partnergraph token create`)")]
    Unauthenticated,
}

impl AppError {
    /// The code of this error; the only mapping from errors to codes.
    pub fn code(&self) -> Code {
        match self {
            AppError::Graph(GraphError::NotFound(_)) => Code::NotFound,
            AppError::Graph(GraphError::InvalidArgument(_)) | AppError::Id(_) | AppError::BadInput(_) => Code::BadUserInput,
            AppError::Graph(GraphError::Store(store)) | AppError::Store(store) => store_code(store),
            AppError::Timeout(_) => Code::Timeout,
            AppError::Curation(CurationError::Invalid(_)) => Code::BadUserInput,
            AppError::Curation(CurationError::Store(store)) => store_code(store),
            AppError::Forbidden { .. } => Code::Forbidden,
            AppError::Unauthenticated => Code::Unauthenticated,
            AppError::Token(TokenError::BadName(_)) => Code::BadUserInput,
            AppError::Token(TokenError::Store(StoreError::NoSuchToken { .. })) => Code::NotFound,
            AppError::Token(TokenError::Store(store)) => store_code(store),
            AppError::Token(TokenError::Random(_)) => Code::Internal,
        }
    }

    /// The message a client may see: the error itself, or "internal error" for internal ones.
    pub fn public_message(&self) -> String {
        match self.code() {
            Code::Internal => "internal error".to_owned(),
            _ => self.to_string(),
        }
    }
}

fn store_code(err: &StoreError) -> Code {
    match err {
        StoreError::Unavailable { .. } | StoreError::Timeout { .. } | StoreError::Locked { .. } => Code::StoreUnavailable,
        StoreError::MissingEndpoint { .. } | StoreError::Conflict { .. } | StoreError::Linked { .. } => Code::Conflict,
        StoreError::Cancelled => Code::Timeout,
        _ => Code::Internal,
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        if self.code() == Code::Internal {
            tracing::error!(error = %self, "internal error");
        }
        let current = match self {
            AppError::Curation(CurationError::Store(StoreError::Conflict { current, .. })) => Some(*current),
            _ => None,
        };
        async_graphql::Error::new(self.public_message()).extend_with(|_, extensions| {
            extensions.set("code", self.code().as_str());
            if let Some(current) = current {
                // The version stored now, so the writer can read the record again and retry.
                extensions.set("currentVersion", i64::try_from(current).unwrap_or(i64::MAX));
            }
        })
    }
}

/// The code of an error that async-graphql made without one: argument and variable values that do not
/// fit their types (an `Int` over 2^31, `asOf: "2015-02-30"`, `asOf: 123`) are `BAD_USER_INPUT`; anything
/// else that failed before execution is `GRAPHQL_VALIDATION_FAILED`, during it `INTERNAL`.
pub fn untyped_error_code(error: &async_graphql::ServerError) -> &'static str {
    const COERCION: [&str; 4] = ["Failed to parse", "Expected input type", "Invalid value for argument", "Variable "];
    if COERCION.iter().any(|start| error.message.starts_with(start)) {
        Code::BadUserInput.as_str()
    } else if error.path.is_empty() {
        "GRAPHQL_VALIDATION_FAILED"
    } else {
        Code::Internal.as_str()
    }
}

/// Gives every error of `errors` that has no `extensions.code` one ([`untyped_error_code`]).
pub fn type_errors(errors: &mut [async_graphql::ServerError]) {
    for error in errors {
        let has_code = error.extensions.as_ref().is_some_and(|extensions| extensions.get("code").is_some());
        if !has_code {
            let code = untyped_error_code(error);
            error.extensions.get_or_insert_with(Default::default).set("code", code);
        }
    }
}

/// Turns a layer's result into a GraphQL result with `extensions.code`.
pub trait IntoGql<T> {
    /// Converts the error through [`AppError`].
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<AppError>> IntoGql<T> for Result<T, E> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|err| err.into().extend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partnergraph_schema::NodeId;

    #[test]
    fn untyped_errors_get_a_code_by_what_they_are() {
        let coercion =
            async_graphql::ServerError::new("Failed to parse \"Int\": Only integers from -2147483648 to 2147483647 are accepted.", None);
        let missing = async_graphql::ServerError::new("Variable n is not defined.", None);
        let unknown_field = async_graphql::ServerError::new("Unknown field \"nope\" on type \"Query\".", None);
        let mut resolver = async_graphql::ServerError::new("something broke", None);
        resolver.path = vec![async_graphql::PathSegment::Field("search".into())];
        let mut typed = vec![
            coercion,
            missing,
            unknown_field,
            resolver,
            AppError::Timeout(1).extend().into_server_error(async_graphql::Pos::default()),
        ];
        type_errors(&mut typed);
        let codes: Vec<String> = typed
            .iter()
            .map(|error| match error.extensions.as_ref().and_then(|extensions| extensions.get("code")) {
                Some(async_graphql::Value::String(code)) => code.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(codes, ["BAD_USER_INPUT", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "INTERNAL", "TIMEOUT"]);
    }

    #[test]
    fn every_error_class_has_its_code_and_status() {
        let missing = NodeId::parse("agency:nope").expect("id");
        let cases: Vec<(AppError, &str, u16)> = vec![
            (GraphError::NotFound(missing).into(), "NOT_FOUND", 404),
            (GraphError::InvalidArgument("depth".into()).into(), "BAD_USER_INPUT", 400),
            (NodeId::parse("nope").expect_err("bad id").into(), "BAD_USER_INPUT", 400),
            (AppError::BadInput("x".into()), "BAD_USER_INPUT", 400),
            (AppError::Timeout(10), "TIMEOUT", 504),
            (StoreError::Unavailable { backend: "bolt", reason: "refused".into() }.into(), "STORE_UNAVAILABLE", 503),
            (StoreError::Timeout { backend: "bolt", seconds: 5 }.into(), "STORE_UNAVAILABLE", 503),
            (StoreError::Locked { path: "p".into() }.into(), "STORE_UNAVAILABLE", 503),
            (StoreError::MissingEndpoint { edge: "e".into(), node: "agency:x".into() }.into(), "CONFLICT", 409),
            (GraphError::Store(StoreError::Corrupt { key: "k".into(), reason: "secret detail".into() }).into(), "INTERNAL", 500),
            (StoreError::Backend { backend: "embedded", reason: "secret detail".into() }.into(), "INTERNAL", 500),
        ];
        for (err, code, status) in cases {
            assert_eq!(err.code().as_str(), code, "{err}");
            assert_eq!(err.code().http_status().as_u16(), status, "{err}");
            if code == "INTERNAL" {
                assert_eq!(err.public_message(), "internal error");
            } else {
                assert_eq!(err.public_message(), err.to_string());
            }
        }
    }
}
