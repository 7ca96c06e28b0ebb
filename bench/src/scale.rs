//! Search at scale: each query of the mix, for each member in turn, through the API and, right
//! after, the same query straight on the database ([`crate::floor`]), one at a time (no other
//! load), so the two columns differ only by what the API adds. A first round warms the caches
//! and is not counted. The first page of both must name the same segments; a difference counts
//! as an error of the floor's row.

use vidmsg_api::SearchQuery;

use crate::floor::Floor;
use crate::load::client;
use crate::queries::MIX;
use crate::state::BenchState;
use crate::stats::Samples;

/// One query's samples: through the API and on the database.
pub struct QueryResult {
    pub label: &'static str,
    pub q: &'static str,
    /// Hits on the first page (at most 20), for the last user asked.
    pub hits: usize,
    pub api: Samples,
    pub floor: Samples,
}

pub async fn run(
    base: &str,
    floor: &Floor,
    state: &BenchState,
    rounds: usize,
) -> anyhow::Result<Vec<QueryResult>> {
    let members = &state.users[1..];
    anyhow::ensure!(
        !members.is_empty(),
        "the team has no members besides the admin"
    );
    let clients = members
        .iter()
        .map(|u| client(base, &u.token))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut out: Vec<QueryResult> = MIX
        .iter()
        .map(|m| QueryResult {
            label: m.label,
            q: m.q,
            hits: 0,
            api: Samples::default(),
            floor: Samples::default(),
        })
        .collect();
    for round in 0..=rounds {
        for (m, res) in MIX.iter().zip(out.iter_mut()) {
            let u = round % members.len();
            let q = SearchQuery {
                q: m.q.to_string(),
                thread: None,
                limit: None,
                cursor: None,
            };
            let t = std::time::Instant::now();
            let api = clients[u].search(&q).await;
            let api_time = t.elapsed();
            let (hits, floor_time) = floor.search(members[u].id, m.q).await?;
            if round == 0 {
                continue;
            }
            match api {
                Ok(page) => {
                    res.api.ok(api_time);
                    res.hits = page.hits.len();
                    let same = page
                        .hits
                        .iter()
                        .zip(&hits)
                        .all(|(a, b)| a.segment_id == b.segment_id);
                    if same && hits.len() >= page.hits.len() {
                        res.floor.ok(floor_time);
                    } else {
                        res.floor
                            .err(format!("{:?}: the API and the floor disagree", m.q));
                    }
                }
                Err(e) => res.api.err(e),
            }
        }
    }
    Ok(out)
}
