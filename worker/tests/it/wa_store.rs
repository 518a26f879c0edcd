//! Contract tests of `wa::store::PgStore` on a real PostgreSQL: every store-trait method runs the
//! same sequence on the PostgreSQL store and on whatsapp-rust's in-memory backend, and each answer
//! must be the same; then the parts only a database has: the atomic take and tc-token upserts
//! under concurrency, two sessions in one database, `wipe`, and a device surviving a restart of
//! the client's persistence manager.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Arc;

use tests::TestDb;
use wa::store::PgStore;
use whatsapp_rust::Jid;
use whatsapp_rust::bytes::Bytes;
use whatsapp_rust::store::persistence_manager::PersistenceManager;
use whatsapp_rust::store::traits::*;
use whatsapp_rust::wacore::appstate::hash::HashState;
use whatsapp_rust::wacore::appstate::processor::AppStateMutationMAC;
use whatsapp_rust::wacore::store::InMemoryBackend;
use whatsapp_rust::wacore::store::device::DEVICE_PROPS;

/// The same store calls on both backends.
struct Pair {
    mem: InMemoryBackend,
    pg: PgStore,
}

async fn pair() -> (TestDb, Pair) {
    let db = TestDb::new().await;
    let pg = PgStore::new(db.pool.clone(), "contract");
    (
        db,
        Pair {
            mem: InMemoryBackend::new(),
            pg,
        },
    )
}

/// An answer in a comparable form: its Debug text, or "error".
fn answer<T: Debug, E>(r: Result<T, E>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(_) => "error".to_string(),
    }
}

/// For lists whose order the in-memory backend leaves to a hash map.
fn sorted<T: Debug>(items: Vec<T>) -> Vec<String> {
    let mut items: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    items.sort();
    items
}

fn hash_state(s: HashState) -> (u64, Vec<u8>, BTreeMap<String, Vec<u8>>, bool) {
    (
        s.version,
        s.hash.to_vec(),
        s.index_value_map.into_iter().collect(),
        s.mac_mismatch_fatal,
    )
}

/// Runs `$e` with `$s` bound to each backend in turn and asserts the answers are equal;
/// gives the answer.
macro_rules! same {
    ($p:expr, |$s:ident| $e:expr) => {{
        let mem = {
            let $s = &$p.mem;
            answer($e)
        };
        let pg = {
            let $s = &$p.pg;
            answer($e)
        };
        assert_eq!(mem, pg, "in-memory vs PostgreSQL: {}", stringify!($e));
        pg
    }};
}

fn a(s: &str) -> Arc<str> {
    Arc::from(s)
}

#[tokio::test]
async fn signal_store_answers_like_the_in_memory_backend() {
    let (_db, p) = pair().await;
    let alice = "628111:0@s.whatsapp.net";
    let bob = "628222@s.whatsapp.net";

    // Identities, single and batched (a repeated address: the last one wins).
    assert_eq!(same!(p, |s| s.load_identity(alice).await), "None");
    same!(p, |s| s.put_identity(alice, [1; 32]).await);
    same!(p, |s| s.put_identity(alice, [2; 32]).await);
    same!(p, |s| {
        s.put_identities_batch(&[
            (a(bob), [3; 32]),
            (a("628333@lid"), [4; 32]),
            (a(bob), [5; 32]),
        ])
        .await
    });
    same!(p, |s| s.put_identities_batch(&[]).await);
    assert_eq!(
        same!(p, |s| s.load_identity(alice).await),
        format!("{:?}", Some([2u8; 32]))
    );
    assert_eq!(
        same!(p, |s| s.load_identity(bob).await),
        format!("{:?}", Some([5u8; 32]))
    );
    same!(p, |s| s.load_identity("628333@lid").await);
    same!(p, |s| s.delete_identity(alice).await);
    assert_eq!(same!(p, |s| s.load_identity(alice).await), "None");

    // Signal sessions.
    same!(p, |s| s.get_session(alice).await);
    assert_eq!(same!(p, |s| s.has_session(alice).await), "false");
    same!(p, |s| s.put_session(alice, b"s1").await);
    same!(p, |s| {
        s.put_sessions_batch(&[
            (a(alice), Bytes::from_static(b"s2")),
            (a("628444:3@s.whatsapp.net"), Bytes::from_static(b"x")),
            (a("628444:3@s.whatsapp.net"), Bytes::from_static(b"y")),
        ])
        .await
    });
    assert_eq!(same!(p, |s| s.get_session(alice).await), "Some(b\"s2\")");
    same!(p, |s| s.get_session("628444:3@s.whatsapp.net").await);
    assert_eq!(same!(p, |s| s.has_session(alice).await), "true");
    same!(p, |s| s.delete_session(alice).await);
    assert_eq!(same!(p, |s| s.has_session(alice).await), "false");

    // Signal state per user: device 0, device n, and a longer number sharing the prefix.
    assert_eq!(
        same!(p, |s| s.has_signal_state_for_user("628444").await),
        "true"
    );
    assert_eq!(
        same!(p, |s| s.has_signal_state_for_user("628222").await),
        "true"
    );
    assert_eq!(
        same!(p, |s| s.has_signal_state_for_user("62844").await),
        "false"
    );
    assert_eq!(
        same!(p, |s| s.has_signal_state_for_user("628111").await),
        "false"
    );
    assert_eq!(
        same!(p, |s| s.has_signal_state_for_user("6%").await),
        "false"
    );

    // One-time pre-keys.
    assert_eq!(same!(p, |s| s.get_max_prekey_id().await), "0");
    same!(p, |s| s.store_prekey(7, b"k7", false).await);
    same!(p, |s| {
        s.store_prekeys_batch(
            &[
                (8, Bytes::from_static(b"k8")),
                (9, Bytes::from_static(b"k9")),
                (8, Bytes::from_static(b"k8b")),
            ],
            true,
        )
        .await
    });
    same!(p, |s| s.store_prekeys_batch(&[], true).await);
    same!(p, |s| s.store_prekey(u32::MAX, b"top", false).await);
    assert_eq!(
        same!(p, |s| s.get_max_prekey_id().await),
        u32::MAX.to_string()
    );
    same!(p, |s| s.remove_prekey(u32::MAX).await);
    assert_eq!(same!(p, |s| s.get_max_prekey_id().await), "9");
    assert_eq!(same!(p, |s| s.load_prekey(8).await), "Some(b\"k8b\")");
    same!(p, |s| s.load_prekey(10).await);
    // In the order asked, missing ids left out.
    assert_eq!(
        same!(p, |s| s.load_prekeys_batch(&[9, 10, 7, 8]).await),
        "[(9, b\"k9\"), (7, b\"k7\"), (8, b\"k8b\")]"
    );
    same!(p, |s| s.load_prekeys_batch(&[]).await);
    // Marking never brings a consumed key back.
    same!(p, |s| s.remove_prekey(7).await);
    same!(p, |s| s.mark_prekeys_uploaded(&[7, 8, 9]).await);
    same!(p, |s| s.mark_prekeys_uploaded(&[]).await);
    assert_eq!(same!(p, |s| s.load_prekey(7).await), "None");
    same!(p, |s| s.load_prekeys_batch(&[7, 8, 9]).await);

    // Signed pre-keys.
    same!(p, |s| s.load_all_signed_prekeys().await.map(sorted));
    same!(p, |s| s.store_signed_prekey(1, b"sp1").await);
    same!(p, |s| s.store_signed_prekey(2, b"sp2").await);
    same!(p, |s| s.store_signed_prekey(1, b"sp1b").await);
    assert_eq!(
        same!(p, |s| s.load_signed_prekey(1).await),
        format!("{:?}", Some(b"sp1b".to_vec()))
    );
    same!(p, |s| s.load_signed_prekey(3).await);
    same!(p, |s| s.load_all_signed_prekeys().await.map(sorted));
    same!(p, |s| s.remove_signed_prekey(1).await);
    same!(p, |s| s.load_all_signed_prekeys().await.map(sorted));

    // Group sender keys.
    let group = "120363000000000001@g.us::628111:2@s.whatsapp.net";
    same!(p, |s| s.get_sender_key(group).await);
    same!(p, |s| s.put_sender_key(group, b"g1").await);
    same!(p, |s| {
        s.put_sender_keys_batch(&[
            (a(group), Bytes::from_static(b"g2")),
            (a("other"), Bytes::from_static(b"o")),
        ])
        .await
    });
    assert_eq!(
        same!(p, |s| s.get_sender_key(group).await),
        format!("{:?}", Some(b"g2".to_vec()))
    );
    same!(p, |s| s.get_sender_key("other").await);
    same!(p, |s| s.delete_sender_key(group).await);
    assert_eq!(same!(p, |s| s.get_sender_key(group).await), "None");
}

#[tokio::test]
async fn app_sync_store_answers_like_the_in_memory_backend() {
    let (_db, p) = pair().await;
    let key = |n: u8| AppStateSyncKey {
        key_data: vec![n; 32],
        fingerprint: vec![n, n],
        timestamp: i64::from(n),
    };

    // Sync keys: the latest is the most recently stored, even when it is stored again.
    same!(p, |s| s.get_latest_sync_key_id().await);
    same!(p, |s| s.get_sync_key(b"k1").await);
    same!(p, |s| s.set_sync_key(b"k1", key(1)).await);
    same!(p, |s| s.set_sync_key(b"k2", key(2)).await);
    assert_eq!(
        same!(p, |s| s.get_latest_sync_key_id().await),
        format!("{:?}", Some(b"k2".to_vec()))
    );
    same!(p, |s| s.set_sync_key(b"k1", key(3)).await);
    assert_eq!(
        same!(p, |s| s.get_latest_sync_key_id().await),
        format!("{:?}", Some(b"k1".to_vec()))
    );
    same!(p, |s| s.get_sync_key(b"k1").await);
    same!(p, |s| s.get_sync_key(b"k2").await);

    // Collection versions: the default when unknown, then what was set.
    same!(p, |s| s.get_version("regular").await.map(hash_state));
    let mut state = HashState {
        version: 42,
        ..HashState::default()
    };
    state.hash[0] = 9;
    state.hash[127] = 7;
    state
        .index_value_map
        .insert("aW5kZXg=".to_string(), vec![1, 2, 3]);
    state
        .index_value_map
        .insert("b3RoZXI=".to_string(), vec![4]);
    same!(p, |s| s.set_version("regular", state.clone()).await);
    let got = same!(p, |s| s.get_version("regular").await.map(hash_state));
    assert_eq!(got, format!("{:?}", hash_state(state.clone())));
    same!(p, |s| s.get_version("critical_block").await.map(hash_state));

    // Mutation MACs.
    let mac = |i: u8, v: u8| AppStateMutationMAC {
        index_mac: vec![i; 32],
        value_mac: vec![v; 32],
    };
    same!(p, |s| s
        .put_mutation_macs("regular", 1, &[mac(1, 10), mac(2, 20), mac(1, 11)])
        .await);
    same!(p, |s| s
        .put_mutation_macs("regular_low", 1, &[mac(1, 99)])
        .await);
    same!(p, |s| s.put_mutation_macs("regular", 2, &[]).await);
    assert_eq!(
        same!(p, |s| s.get_mutation_mac("regular", &[1; 32]).await),
        format!("{:?}", Some(vec![11u8; 32]))
    );
    same!(p, |s| s.get_mutation_mac("regular", &[3; 32]).await);
    let batch = same!(p, |s| {
        s.get_mutation_macs("regular", &[[1; 32], [2; 32], [3; 32]])
            .await
            .map(|m| m.into_iter().collect::<BTreeMap<_, _>>())
    });
    assert!(batch.contains(&format!("{:?}", vec![20u8; 32])), "{batch}");
    same!(p, |s| s
        .get_mutation_macs("regular", &[])
        .await
        .map(|m| m.len()));
    same!(p, |s| s
        .delete_mutation_macs("regular", &[vec![2; 32], vec![5; 32]])
        .await);
    same!(p, |s| s.delete_mutation_macs("regular", &[]).await);
    same!(p, |s| s.get_mutation_mac("regular", &[2; 32]).await);
    same!(p, |s| s.get_mutation_mac("regular", &[1; 32]).await);
    same!(p, |s| s.clear_mutation_macs("regular").await);
    assert_eq!(
        same!(p, |s| s.get_mutation_mac("regular", &[1; 32]).await),
        "None"
    );
    assert_ne!(
        same!(p, |s| s.get_mutation_mac("regular_low", &[1; 32]).await),
        "None"
    );
}

#[tokio::test]
async fn protocol_store_answers_like_the_in_memory_backend() {
    let (_db, p) = pair().await;
    let g1 = "120363000000000001@g.us";
    let g2 = "120363000000000002@g.us";

    // Sender-key status per device.
    same!(p, |s| s.get_sender_key_devices(g1).await.map(sorted));
    same!(p, |s| s
        .set_sender_key_status(g1, &[("d1", true), ("d2", false), ("d1", false)])
        .await);
    same!(p, |s| s
        .set_sender_key_status(g2, &[("d1", true), ("d3", true)])
        .await);
    same!(p, |s| s.set_sender_key_status(g2, &[]).await);
    same!(p, |s| s.set_sender_key_status(g1, &[("d2", true)]).await);
    same!(p, |s| s.get_sender_key_devices(g1).await.map(sorted));
    same!(p, |s| s.delete_sender_key_device_rows(&["d1"]).await);
    same!(p, |s| s.delete_sender_key_device_rows(&[]).await);
    same!(p, |s| s.get_sender_key_devices(g1).await.map(sorted));
    assert_eq!(
        same!(p, |s| s.get_sender_key_devices(g2).await.map(sorted)),
        "[\"(\\\"d3\\\", true)\"]"
    );
    same!(p, |s| s.clear_sender_key_devices(g2).await);
    same!(p, |s| s.get_sender_key_devices(g2).await.map(sorted));
    same!(p, |s| s.set_sender_key_status(g2, &[("d4", false)]).await);
    same!(p, |s| s.clear_all_sender_key_devices().await);
    same!(p, |s| s.get_sender_key_devices(g1).await.map(sorted));
    same!(p, |s| s.get_sender_key_devices(g2).await.map(sorted));

    // LID ↔ phone mappings: a phone maps to the LID stored last for it.
    let m = |lid: &str, pn: &str, t: i64| LidPnMappingEntry {
        lid: lid.to_string(),
        phone_number: pn.to_string(),
        created_at: t,
        updated_at: t + 1,
        learning_source: "usync".to_string(),
    };
    same!(p, |s| s.get_lid_mapping("100").await);
    same!(p, |s| s.get_pn_mapping("628111").await);
    same!(p, |s| s.put_lid_mapping(&m("100", "628111", 10)).await);
    same!(p, |s| s.put_lid_mapping(&m("200", "628111", 5)).await);
    assert!(same!(p, |s| s.get_pn_mapping("628111").await).contains("\"200\""));
    same!(p, |s| s
        .put_lid_mappings(&[
            m("300", "628333", 1),
            m("400", "628444", 2),
            m("300", "628335", 3)
        ])
        .await);
    same!(p, |s| s.put_lid_mappings(&[]).await);
    same!(p, |s| s
        .put_lid_mappings(&[m("500", "628111", 1), m("100", "628111", 20)])
        .await);
    assert!(same!(p, |s| s.get_pn_mapping("628111").await).contains("\"100\""));
    same!(p, |s| s.get_pn_mapping("628335").await);
    same!(p, |s| s.get_lid_mapping("300").await);
    same!(p, |s| s.get_lid_mapping("100").await);
    same!(p, |s| s.get_all_lid_mappings().await.map(sorted));

    // Base keys of retried messages.
    same!(p, |s| s.has_same_base_key("addr", "m1", b"k").await);
    same!(p, |s| s.save_base_key("addr", "m1", b"k").await);
    assert_eq!(
        same!(p, |s| s.has_same_base_key("addr", "m1", b"k").await),
        "true"
    );
    same!(p, |s| s.has_same_base_key("addr", "m1", b"other").await);
    same!(p, |s| s.save_base_key("addr", "m1", b"k2").await);
    same!(p, |s| s.has_same_base_key("addr", "m1", b"k2").await);
    same!(p, |s| s.has_same_base_key("addr", "m2", b"k2").await);
    same!(p, |s| s.delete_base_key("addr", "m1").await);
    assert_eq!(
        same!(p, |s| s.has_same_base_key("addr", "m1", b"k2").await),
        "false"
    );

    // Device lists.
    let list = |user: &str, ids: &[u32], t: i64| DeviceListRecord {
        user: user.to_string(),
        devices: ids
            .iter()
            .map(|&d| DeviceInfo::new(d, Some(d + 1)).with_hosting(d == 2))
            .collect(),
        timestamp: t,
        phash: Some(format!("2:{t}")),
        raw_id: if t > 1 { Some(7) } else { None },
    };
    same!(p, |s| s.get_devices("628111").await);
    same!(p, |s| s
        .update_device_list(list("628111", &[0, 1], 1))
        .await);
    same!(p, |s| s
        .update_device_lists(vec![
            list("628222", &[0], 1),
            list("628111", &[0, 2], 2),
            list("628222", &[0, 5], 3)
        ])
        .await);
    same!(p, |s| s.update_device_lists(Vec::new()).await);
    assert!(same!(p, |s| s.get_devices("628111").await).contains("is_hosted: true"));
    same!(p, |s| s.get_devices("628222").await);
    same!(p, |s| s.delete_devices("628111").await);
    assert_eq!(same!(p, |s| s.get_devices("628111").await), "None");

    // Group metadata.
    same!(p, |s| s.get_group_metadata(g1).await);
    same!(p, |s| s.put_group_metadata(g1, b"v1").await);
    same!(p, |s| s.put_group_metadata(g1, b"v2").await);
    assert_eq!(
        same!(p, |s| s.get_group_metadata(g1).await),
        format!("{:?}", Some(b"v2".to_vec()))
    );
    same!(p, |s| s.delete_group_metadata(g1).await);
    same!(p, |s| s.get_group_metadata(g1).await);

    // Trusted-contact tokens.
    let t = |token: &[u8], ts: i64, sender: Option<i64>| TcTokenEntry {
        token: token.to_vec(),
        token_timestamp: ts,
        sender_timestamp: sender,
    };
    same!(p, |s| s.get_tc_token("a@lid").await);
    same!(p, |s| s.put_tc_token("a@lid", &t(b"ta", 100, None)).await);
    same!(p, |s| s
        .put_tc_token("a@lid", &t(b"ta2", 110, Some(50)))
        .await);
    same!(p, |s| s.get_tc_token("a@lid").await);
    // The sender side: a placeholder first, then only forward.
    same!(p, |s| s.touch_tc_token_sender_timestamp("b@lid", 200).await);
    assert!(
        same!(p, |s| s.get_tc_token("b@lid").await).contains("token: [], token_timestamp: 200")
    );
    same!(p, |s| s.touch_tc_token_sender_timestamp("b@lid", 150).await);
    same!(p, |s| s.touch_tc_token_sender_timestamp("a@lid", 300).await);
    same!(p, |s| s.get_tc_token("a@lid").await);
    same!(p, |s| s.touch_tc_token_sender_timestamp("a@lid", 250).await);
    assert!(same!(p, |s| s.get_tc_token("a@lid").await).contains("Some(300)"));
    // The receiving side: newer wins, a placeholder never blocks, the sender bucket stays.
    same!(p, |s| s.store_received_tc_token("b@lid", b"tb", 120).await);
    assert!(same!(p, |s| s.get_tc_token("b@lid").await).contains("sender_timestamp: Some(200)"));
    same!(p, |s| s.store_received_tc_token("b@lid", b"old", 119).await);
    same!(p, |s| s
        .store_received_tc_token("a@lid", b"same-age", 110)
        .await);
    same!(p, |s| s.store_received_tc_token("c@lid", b"tc", 10).await);
    same!(p, |s| s.get_tc_token("b@lid").await);
    same!(p, |s| s.get_tc_token("a@lid").await);
    same!(p, |s| s.get_tc_token("c@lid").await);
    same!(p, |s| s.touch_tc_token_sender_timestamp("d@lid", 5).await);
    same!(p, |s| s.put_tc_token("e@lid", &t(b"", 1000, None)).await);
    same!(p, |s| s.get_all_tc_token_jids().await.map(sorted));
    // Pruning keeps a row while either window is live: a (token 110, sender 300) stays on its
    // sender; b (120, 200) stays on its token; c (10, none) and d (placeholder, 5) go; e (empty
    // token, no sender) goes whatever its timestamp.
    assert_eq!(
        same!(p, |s| s.delete_expired_tc_tokens(115, 250).await),
        "3"
    );
    same!(p, |s| s.get_all_tc_token_jids().await.map(sorted));
    assert_eq!(
        same!(p, |s| s.delete_expired_tc_tokens(115, 250).await),
        "0"
    );
    same!(p, |s| s.delete_tc_token("a@lid").await);
    assert_eq!(
        same!(p, |s| s.get_all_tc_token_jids().await.map(sorted)),
        "[\"\\\"b@lid\\\"\"]"
    );

    // Sent payloads for retry receipts: taken once.
    same!(p, |s| s.store_sent_message("chat", "m1", b"p1").await);
    same!(p, |s| s.store_sent_message("chat", "m1", b"p1b").await);
    same!(p, |s| s.store_sent_message("chat", "m2", b"p2").await);
    same!(p, |s| s.store_sent_message("chat2", "m3", b"p3").await);
    assert_eq!(
        same!(p, |s| s.take_sent_message("chat", "m1").await),
        format!("{:?}", Some(b"p1b".to_vec()))
    );
    assert_eq!(
        same!(p, |s| s.take_sent_message("chat", "m1").await),
        "None"
    );
    same!(p, |s| s.take_sent_message("chat2", "m2").await);
    // Nothing is older than a cutoff in the past; everything is older than one in the future.
    assert_eq!(same!(p, |s| s.delete_expired_sent_messages(0).await), "0");
    let future = whatsapp_rust::wacore::time::now_secs() + 60;
    assert_eq!(
        same!(p, |s| s.delete_expired_sent_messages(future).await),
        "2"
    );
    same!(p, |s| s.take_sent_message("chat2", "m3").await);

    // The pending-inbound buffer.
    same!(p, |s| s.get_pending_inbound("c", "s", "i1").await);
    same!(p, |s| s.store_pending_inbound("c", "s", "i1", b"one").await);
    same!(p, |s| s
        .store_pending_inbound("c", "s", "i1", b"one-b")
        .await);
    let row = |id: &'static str, message: &'static [u8]| PendingInboundRow {
        chat: "c",
        sender: "s",
        id,
        message,
    };
    same!(p, |s| s
        .store_pending_inbound_batch(&[row("i2", b"two"), row("i3", b"three"), row("i2", b"two-b")])
        .await);
    same!(p, |s| s.store_pending_inbound_batch(&[]).await);
    assert_eq!(
        same!(p, |s| s.get_pending_inbound("c", "s", "i1").await),
        format!("{:?}", Some(b"one-b".to_vec()))
    );
    same!(p, |s| s.get_pending_inbound("c", "s", "i2").await);
    same!(p, |s| s.get_pending_inbound("c", "other", "i2").await);
    same!(p, |s| s.delete_pending_inbound("c", "s", "i1").await);
    same!(p, |s| s.get_pending_inbound("c", "s", "i1").await);
    let key = |id: &'static str| PendingInboundKey {
        chat: "c",
        sender: "s",
        id,
    };
    same!(p, |s| s
        .delete_pending_inbound_batch(&[key("i2"), key("nope")])
        .await);
    same!(p, |s| s.delete_pending_inbound_batch(&[]).await);
    same!(p, |s| s.get_pending_inbound("c", "s", "i2").await);
    assert_eq!(same!(p, |s| s.delete_expired_pending_inbound(0).await), "0");
    assert_eq!(
        same!(p, |s| s.delete_expired_pending_inbound(future).await),
        "1"
    );
    same!(p, |s| s.get_pending_inbound("c", "s", "i3").await);
}

#[tokio::test]
async fn msg_secret_store_answers_like_the_in_memory_backend() {
    let (_db, p) = pair().await;
    let e = |id: &str, secret: u8, expires_at: i64, message_ts: i64| MsgSecretEntry {
        chat: a("chat@s.whatsapp.net"),
        sender: a("me@s.whatsapp.net"),
        msg_id: a(id),
        secret: [secret; 32],
        expires_at,
        message_ts,
    };
    same!(p, |s| s
        .get_msg_secret("chat@s.whatsapp.net", "me@s.whatsapp.net", "m1")
        .await);
    same!(p, |s| s
        .put_msg_secret("chat@s.whatsapp.net", "me@s.whatsapp.net", "m0", &[9; 32])
        .await);
    assert_eq!(same!(p, |s| s.put_msg_secrets(Vec::new()).await), "0");
    // Repeated keys in one batch merge as if written in order.
    assert_eq!(
        same!(p, |s| s
            .put_msg_secrets(vec![
                e("m1", 1, 100, 0),
                e("m2", 2, 100, 50),
                e("m1", 3, 200, 40),
                e("m3", 4, 0, 0)
            ])
            .await),
        "4"
    );
    // Against stored rows: the later deadline, 0 (never) wins, a known parent time stays.
    same!(p, |s| s
        .put_msg_secrets(vec![
            e("m1", 5, 150, 0),
            e("m2", 6, 0, 0),
            e("m3", 7, 300, 60)
        ])
        .await);
    for id in ["m0", "m1", "m2", "m3", "m4"] {
        same!(p, |s| s
            .get_msg_secret("chat@s.whatsapp.net", "me@s.whatsapp.net", id)
            .await);
        same!(p, |s| s
            .get_msg_secret_with_ts("chat@s.whatsapp.net", "me@s.whatsapp.net", id)
            .await);
    }
    same!(p, |s| s
        .get_msg_secret("chat@s.whatsapp.net", "other@s.whatsapp.net", "m1")
        .await);
    same!(p, |s| s
        .get_msg_secret("other@s.whatsapp.net", "me@s.whatsapp.net", "m1")
        .await);
    same!(p, |s| s
        .put_msg_secrets(vec![e("m5", 8, 150, 1), e("m6", 8, 151, 1)])
        .await);
    // A deadline at the cutoff has passed; 0 never expires.
    assert_eq!(same!(p, |s| s.delete_expired_msg_secrets(149).await), "0");
    assert_eq!(same!(p, |s| s.delete_expired_msg_secrets(150).await), "1");
    assert_eq!(
        same!(p, |s| s.delete_expired_msg_secrets(i64::MAX).await),
        "2"
    );
    for id in ["m0", "m1", "m2", "m3", "m5", "m6"] {
        same!(p, |s| s
            .get_msg_secret_with_ts("chat@s.whatsapp.net", "me@s.whatsapp.net", id)
            .await);
    }
}

/// A device as the client would save it after pairing.
fn paired_device() -> whatsapp_rust::wacore::store::Device {
    let mut device = whatsapp_rust::wacore::store::Device::new();
    device.pn = Some(Jid::pn("6281234567890"));
    device.lid = Some("100000012345678@lid".parse().unwrap());
    device.push_name = "D'Fresto".to_string();
    device.next_pre_key_id = 812;
    device.login_counter = 3;
    device.nct_salt = Some(vec![5; 16]);
    device.nct_salt_sync_seen = true;
    device.account = Some(Arc::new(
        whatsapp_rust::waproto::whatsapp::ADVSignedDeviceIdentity {
            details: Some(vec![1, 2, 3]),
            account_signature_key: Some(vec![4; 32]),
            account_signature: Some(vec![6; 64]),
            device_signature: Some(vec![7; 64]),
        },
    ));
    device
}

fn device_json(d: &whatsapp_rust::wacore::store::Device) -> serde_json::Value {
    serde_json::to_value(d).unwrap()
}

#[tokio::test]
async fn device_store_answers_like_the_in_memory_backend() {
    let (_db, p) = pair().await;
    assert_eq!(same!(p, |s| s.exists().await), "false");
    assert_eq!(same!(p, |s| s.load().await.map(|d| d.is_some())), "false");
    assert!(!p.pg.has_device().await.unwrap());
    // create materialises a fresh device and keeps it on a second call.
    assert_eq!(same!(p, |s| s.create().await), "1");
    assert_eq!(same!(p, |s| s.exists().await), "true");
    let first = p.pg.load().await.unwrap().unwrap();
    p.pg.create().await.unwrap();
    assert_eq!(
        device_json(&p.pg.load().await.unwrap().unwrap()),
        device_json(&first)
    );
    assert_eq!(p.pg.paired_phone().await.unwrap(), None);

    let device = paired_device();
    same!(p, |s| s.save(&device).await);
    let mem = p.mem.load().await.unwrap().unwrap();
    let pg = p.pg.load().await.unwrap().unwrap();
    assert_eq!(device_json(&pg), device_json(&mem));
    assert_eq!(device_json(&pg), device_json(&device));
    // The fields the serializer skips come back as a fresh process has them.
    assert_eq!(*pg.device_props, *DEVICE_PROPS);
    assert!(!pg.nct_salt_sync_seen);
    assert_eq!(
        format!("{:?}", pg.client_profile),
        format!("{:?}", whatsapp_rust::ClientProfile::web())
    );
    assert!(p.pg.has_device().await.unwrap());
    assert_eq!(
        p.pg.paired_phone().await.unwrap().as_deref(),
        Some("6281234567890@s.whatsapp.net")
    );
    // The in-memory backend reports nothing; this one says it holds no data in memory.
    assert_eq!(p.pg.resource_report().await.memory_bytes, Some(0));
    same!(p, |s| s.snapshot_db("name", None).await);
}

#[tokio::test]
async fn two_concurrent_takes_of_a_sent_message_give_it_once() {
    let db = TestDb::new().await;
    let store = PgStore::new(db.pool.clone(), "race");
    for round in 0..25 {
        let id = format!("m{round}");
        store
            .store_sent_message("chat", &id, b"payload")
            .await
            .unwrap();
        let (x, y) = tokio::join!(
            tokio::spawn({
                let (s, id) = (store.clone(), id.clone());
                async move { s.take_sent_message("chat", &id).await.unwrap() }
            }),
            tokio::spawn({
                let (s, id) = (store.clone(), id.clone());
                async move { s.take_sent_message("chat", &id).await.unwrap() }
            }),
        );
        let got: Vec<_> = [x.unwrap(), y.unwrap()].into_iter().flatten().collect();
        assert_eq!(got, vec![b"payload".to_vec()], "round {round}");
    }
}

#[tokio::test]
async fn concurrent_tc_token_writers_converge() {
    let db = TestDb::new().await;
    let store = PgStore::new(db.pool.clone(), "race");
    // The sender side and the receiving side write the same row at once, out of order: the
    // sender bucket must end at its highest value and the token at the newest one, neither
    // writer dropping the other's field.
    let mut tasks = Vec::new();
    for n in (1..=40i64).rev() {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.touch_tc_token_sender_timestamp("x@lid", 1000 + n).await
        }));
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.store_received_tc_token("x@lid", &[n as u8; 8], n).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let entry = store.get_tc_token("x@lid").await.unwrap().unwrap();
    assert_eq!(entry.sender_timestamp, Some(1040));
    assert_eq!((entry.token, entry.token_timestamp), (vec![40u8; 8], 40));
}

/// One write into every table of the store.
async fn fill(s: &PgStore, n: u8) {
    s.save(&paired_device()).await.unwrap();
    s.put_identity("peer@s.whatsapp.net", [n; 32])
        .await
        .unwrap();
    s.put_session("peer@s.whatsapp.net", &[n]).await.unwrap();
    s.store_prekey(1, &[n], true).await.unwrap();
    s.store_signed_prekey(1, &[n]).await.unwrap();
    s.put_sender_key("group::peer", &[n]).await.unwrap();
    s.set_sync_key(
        b"key",
        AppStateSyncKey {
            key_data: vec![n],
            ..AppStateSyncKey::default()
        },
    )
    .await
    .unwrap();
    s.set_version(
        "regular",
        HashState {
            version: u64::from(n),
            ..HashState::default()
        },
    )
    .await
    .unwrap();
    s.put_mutation_macs(
        "regular",
        1,
        &[AppStateMutationMAC {
            index_mac: vec![1; 32],
            value_mac: vec![n],
        }],
    )
    .await
    .unwrap();
    s.set_sender_key_status("g@g.us", &[("peer:1@s.whatsapp.net", true)])
        .await
        .unwrap();
    s.put_lid_mapping(&LidPnMappingEntry {
        lid: "100".into(),
        phone_number: format!("628{n}"),
        created_at: 1,
        updated_at: 1,
        learning_source: "usync".into(),
    })
    .await
    .unwrap();
    s.save_base_key("peer", "m1", &[n]).await.unwrap();
    s.update_device_list(DeviceListRecord {
        user: "628".into(),
        devices: vec![],
        timestamp: i64::from(n),
        phash: None,
        raw_id: None,
    })
    .await
    .unwrap();
    s.put_group_metadata("g@g.us", &[n]).await.unwrap();
    s.store_received_tc_token("peer@lid", &[n], 1)
        .await
        .unwrap();
    s.store_sent_message("chat", "m1", &[n]).await.unwrap();
    s.store_pending_inbound("chat", "peer", "m1", &[n])
        .await
        .unwrap();
    s.put_msg_secret("chat", "me", "m1", &[n; 32])
        .await
        .unwrap();
}

const STORE_TABLES: &[&str] = &[
    "wa_device",
    "wa_identities",
    "wa_signal_sessions",
    "wa_prekeys",
    "wa_signed_prekeys",
    "wa_sender_keys",
    "wa_sync_keys",
    "wa_app_state_versions",
    "wa_mutation_macs",
    "wa_sender_key_devices",
    "wa_lid_pn",
    "wa_base_keys",
    "wa_device_lists",
    "wa_group_metadata",
    "wa_tc_tokens",
    "wa_sent_messages",
    "wa_pending_inbound",
    "wa_msg_secrets",
];

/// Rows per store table for a session.
async fn rows_of(db: &TestDb, session: &str) -> Vec<(String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND column_name = 'session_id' AND table_name LIKE 'wa\\_%' ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    // Every store table is filled and wiped by these tests.
    let mut expected: Vec<&str> = STORE_TABLES.to_vec();
    expected.sort();
    assert_eq!(tables, expected);
    let mut out = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {table} WHERE session_id = $1"
        )))
        .bind(session)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        out.push((table, n));
    }
    out
}

#[tokio::test]
async fn sessions_share_a_database_without_seeing_each_other_and_wipe_clears_one() {
    let db = TestDb::new().await;
    let one = PgStore::new(db.pool.clone(), "one");
    let two = PgStore::new(db.pool.clone(), "two");
    fill(&one, 1).await;
    fill(&two, 2).await;

    // Same keys, each session its own values.
    assert_eq!(
        one.load_identity("peer@s.whatsapp.net").await.unwrap(),
        Some([1; 32])
    );
    assert_eq!(
        two.load_identity("peer@s.whatsapp.net").await.unwrap(),
        Some([2; 32])
    );
    assert_eq!(
        two.get_session("peer@s.whatsapp.net")
            .await
            .unwrap()
            .unwrap(),
        Bytes::from_static(&[2])
    );
    assert_eq!(
        one.get_pn_mapping("6281").await.unwrap().unwrap().lid,
        "100"
    );
    assert!(two.get_pn_mapping("6281").await.unwrap().is_none());
    assert_eq!(two.get_version("regular").await.unwrap().version, 2);
    assert!(one.get_tc_token("peer@lid").await.unwrap().unwrap().token == vec![1]);
    assert!(rows_of(&db, "one").await.iter().all(|(_, n)| *n == 1));

    one.wipe().await.unwrap();
    assert!(
        rows_of(&db, "one").await.iter().all(|(_, n)| *n == 0),
        "{:?}",
        rows_of(&db, "one").await
    );
    assert!(!one.has_device().await.unwrap());
    assert!(one.load().await.unwrap().is_none());
    assert_eq!(one.take_sent_message("chat", "m1").await.unwrap(), None);
    let kept: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM whatsapp_sessions WHERE session_id = 'one')",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(kept, "wipe keeps the session row");
    // The other session is untouched.
    assert!(rows_of(&db, "two").await.iter().all(|(_, n)| *n == 1));
    assert_eq!(
        two.take_sent_message("chat", "m1").await.unwrap(),
        Some(vec![2])
    );
    // The wiped value writes nothing more (a stopped client's last flush cannot bring the
    // session back) ...
    assert!(one.save(&paired_device()).await.is_err());
    assert!(!one.has_device().await.unwrap());
    // ... and a fresh one starts the session again from nothing.
    let again = one.fresh();
    fill(&again, 3).await;
    assert_eq!(
        again.load_identity("peer@s.whatsapp.net").await.unwrap(),
        Some([3; 32])
    );
}

#[tokio::test]
async fn a_device_survives_a_restart_of_the_persistence_manager() {
    let db = TestDb::new().await;
    let (identity, noise, registration_id) = {
        let backend: Arc<dyn Backend> = Arc::new(PgStore::new(db.pool.clone(), "default"));
        let pm = PersistenceManager::new(backend).await.unwrap();
        pm.modify_device(|d| {
            d.pn = Some(Jid::pn("6281234567890"));
            d.push_name = "D'Fresto".to_string();
            d.next_pre_key_id = 77;
        })
        .await;
        pm.flush().await.unwrap();
        let d = pm.get_device_snapshot();
        (
            d.identity_key.public_key.public_key_bytes().to_vec(),
            d.noise_key.public_key.public_key_bytes().to_vec(),
            d.registration_id,
        )
    };
    // Everything dropped; a new store value on the same pool, as after a worker restart.
    let backend: Arc<dyn Backend> = Arc::new(PgStore::new(db.pool.clone(), "default"));
    let pm = PersistenceManager::new(backend).await.unwrap();
    let d = pm.get_device_snapshot();
    assert_eq!(
        d.identity_key.public_key.public_key_bytes().to_vec(),
        identity
    );
    assert_eq!(d.noise_key.public_key.public_key_bytes().to_vec(), noise);
    assert_eq!(d.registration_id, registration_id);
    assert_eq!(
        d.pn.as_ref().map(|j| j.to_string()).as_deref(),
        Some("6281234567890@s.whatsapp.net")
    );
    assert_eq!(d.push_name, "D'Fresto");
    assert_eq!(d.next_pre_key_id, 77);
    // A different session on the same pool gets its own, new identity.
    let other: Arc<dyn Backend> = Arc::new(PgStore::new(db.pool.clone(), "other"));
    let other = PersistenceManager::new(other).await.unwrap();
    assert_ne!(
        other
            .get_device_snapshot()
            .identity_key
            .public_key
            .public_key_bytes()
            .to_vec(),
        identity
    );
}
