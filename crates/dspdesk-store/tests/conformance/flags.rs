use crate::support::d;
use dspdesk_store::NewFlag;
use dspdesk_store::testing::TestStore;

#[tokio::test]
async fn flags_open_stay_open_while_shown_and_clear() {
    for t in TestStore::all().await {
        let s = &t.store;
        let b = t.backend();
        // Flags open, stay open while shown, and clear when no longer shown.
        let flag = |partner: &str| NewFlag {
            kind: dspdesk_core::flags::FlagKind::Defaulting,
            partner: partner.into(),
            station: String::new(),
            subject: String::new(),
            reason: "DOT below 95% on 4 of the last 7 days".into(),
            numbers: "{}".into(),
            data_date: d(21),
        };
        let s1 = s.sync_flags(&[flag("SWFT"), flag("ZIPX")]).await.unwrap();
        assert_eq!((s1.opened, s1.kept, s1.cleared), (2, 0, 0), "{b}");
        let s2 = s.sync_flags(&[flag("SWFT")]).await.unwrap();
        assert_eq!((s2.opened, s2.kept, s2.cleared), (0, 1, 1), "{b}");
        let s3 = s.sync_flags(&[flag("SWFT"), flag("ZIPX")]).await.unwrap();
        assert_eq!(
            (s3.opened, s3.kept),
            (1, 1),
            "a cleared flag seen again is new"
        );
        assert_eq!(s.flags(false).await.unwrap().len(), 2, "{b}");
        assert_eq!(s.flags(true).await.unwrap().len(), 3, "{b}");
        t.finish().await;
    }
}
