//! The floor of any answer over HTTP, for BENCHMARKS.md (issue 19): an axum server on tokio's default
//! runtime whose `POST /graphql` reads the body and answers `{"data":{"__typename":"Query"}}` with no
//! middleware, no GraphQL, no store. With `--hop` the answer is made on a second runtime's blocking pool,
//! as `serve` runs every uncached request (`http/queries.rs`), so the two together measure what that
//! hand-off costs on this machine.
//!
//! `cargo run --release -p partnergraph --example http_floor -- ADDR [--hop]`, then
//! `wrk -t1 -c1 -d10s -s scripts/bench/graphql.lua http://ADDR/graphql -- BODIES`.

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;

const ANSWER: &[u8] = br#"{"data":{"__typename":"Query"}}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (addr, hop) = match args.as_slice() {
        [_, addr] => (addr.clone(), false),
        [_, addr, flag] if flag == "--hop" => (addr.clone(), true),
        _ => return Err("usage: http_floor ADDR [--hop]".into()),
    };
    let queries = tokio::runtime::Builder::new_multi_thread().thread_name("floor-query").enable_all().build()?;
    let handle = queries.handle().clone();
    let server = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    server.block_on(async move {
        let app = Router::new().route(
            "/graphql",
            post(move |body: Bytes| {
                let handle = handle.clone();
                async move {
                    let answer = move || {
                        // Touches the body as a request's parse would, so it is not optimised away.
                        let _ = std::hint::black_box(body.len());
                        ([(axum::http::header::CONTENT_TYPE, "application/json")], Bytes::from_static(ANSWER))
                    };
                    if hop {
                        handle.spawn_blocking(answer).await.map_err(|_| axum::http::StatusCode::INTERNAL_SERVER_ERROR)
                    } else {
                        Ok(answer())
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!("http_floor listening on {addr} (hop: {hop})");
        axum::serve(listener, app).await
    })?;
    Ok(())
}
