use crate::support::d;
use chrono::NaiveDate;
use dspdesk_store::NewGoal;
use dspdesk_store::testing::TestStore;

#[tokio::test]
async fn a_goal_cuts_its_period_out_of_an_overlapping_one() {
    for t in TestStore::all().await {
        let s = &t.store;
        let b = t.backend();
        // A goal replaces an overlapping one and is audited.
        let goal = |p50, from, to| NewGoal {
            partner: "SWFT".into(),
            station: "DEL4".into(),
            valid_from: d(from),
            valid_to: d(to),
            p50,
            p90: p50 + 2.0,
            source: dspdesk_core::goals::GoalSource::Set,
        };
        s.set_goals("coach", &[goal(4.0, 1, 30)]).await.unwrap();
        s.set_goals("coach", &[goal(5.0, 16, 22)]).await.unwrap();
        let goals = s.route_goals().await.unwrap();
        let periods: Vec<(NaiveDate, NaiveDate, f64)> = goals
            .iter()
            .map(|g| (g.valid_from, g.valid_to, g.p50))
            .collect();
        assert_eq!(
            periods,
            vec![(d(1), d(15), 4.0), (d(16), d(22), 5.0), (d(23), d(30), 4.0)],
            "the new goal cuts its period out of the old one ({b})"
        );
        t.finish().await;
    }
}
