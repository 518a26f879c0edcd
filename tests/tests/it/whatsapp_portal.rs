//! The admin WhatsApp page and `GET /api/v1/whatsapp/status|qr` over HTTP: every status the
//! worker records (`session::record`) reads the same in Bahasa Indonesia on the page, in its
//! live-refresh JSON and in the API, with the QR code drawn as SVG, the test-mode banner and the
//! console note; the page's forms and `POST /api/v1/whatsapp/commands` leave a command for the
//! worker (log out and pair again only after a confirmation page; a wrong number is refused at
//! the field), and nobody but pusat and finance may do either; the message log shows the
//! delivery receipts and the hold reason, in the page and the API.

use chrono::Duration;
use domain::Clock;
use domain::whatsapp::session::{self, ConnectionStatus, SessionUpdate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use tests::TestApp;
use tests::api_client::Api;
use tests::app::location;
use tests::whatsapp_logs::Log;

async fn record(app: &TestApp, update: &SessionUpdate) {
    let mut conn = app.db.pool.acquire().await.unwrap();
    session::record(&mut conn, &*app.clock, "default", update)
        .await
        .unwrap();
}

/// The pending command as the worker would find it: (command, command_phone).
async fn command(app: &TestApp) -> Option<(Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT command, command_phone FROM whatsapp_sessions WHERE session_id = 'default'",
    )
    .fetch_optional(&app.db.pool)
    .await
    .unwrap()
}

fn update(status: ConnectionStatus) -> SessionUpdate {
    let mut u = SessionUpdate::new(status);
    u.holder = Some("worker-a".into());
    u.transport = Some("whatsapp".into());
    u
}

#[tokio::test]
async fn every_status_reads_the_same_on_the_page_in_its_refresh_and_in_the_api() {
    let api = Api::spawn().await;
    let app = &api.app;
    let finance = app.login_as("finance").await;

    // Before any worker: disconnected, and why.
    let body = api
        .get("pusat", "/whatsapp/status")
        .await
        .expect(StatusCode::OK);
    assert_eq!(body["status"], "DISCONNECTED");
    assert_eq!(
        body["status_text"],
        "Terputus: belum ada worker yang memegang koneksi"
    );
    let (_, html) = app.page(&finance, "/whatsapp").await;
    assert!(
        html.contains("Terputus: belum ada worker yang memegang koneksi"),
        "{html}"
    );

    let banned_until = app.clock.now() + Duration::hours(25);
    let mut cases: Vec<(SessionUpdate, &str)> = Vec::new();
    let mut u = update(ConnectionStatus::Disconnected);
    u.last_error = Some("koneksi ke WhatsApp terputus: tidak ada jaringan".into());
    cases.push((
        u,
        "Terputus: koneksi ke WhatsApp terputus: tidak ada jaringan",
    ));
    cases.push((update(ConnectionStatus::Connecting), "Menghubungkan…"));
    let mut u = update(ConnectionStatus::WaitingQr);
    u.qr = Some("2@pertama,kunci,identitas,rahasia".into());
    cases.push((u, "Menunggu pindai QR"));
    let mut u = update(ConnectionStatus::WaitingQr);
    u.qr = Some("2@pertama,kunci,identitas,rahasia".into());
    u.pair_code = Some("K7QW2PXM".into());
    cases.push((u, "Menunggu kode pairing"));
    let mut u = update(ConnectionStatus::Connected);
    u.phone = Some("6281234567890".into());
    cases.push((u, "Terhubung sebagai +62 812-3456-7890"));
    let mut u = update(ConnectionStatus::Banned);
    u.banned_until = Some(banned_until);
    u.last_error = Some("WhatsApp memblokir sementara (kode 402)".into());
    cases.push((u, "Diblokir sementara sampai 29 Nov 2026 10:00 WIB"));
    cases.push((update(ConnectionStatus::LoggedOut), "Keluar"));
    cases.push((
        update(ConnectionStatus::Replaced),
        "Diambil alih perangkat lain",
    ));

    for (u, text) in &cases {
        record(app, u).await;
        let status = u.status.as_str();
        let body = api
            .get("finance", "/whatsapp/status")
            .await
            .expect(StatusCode::OK);
        assert_eq!(body["status"], status, "{body}");
        assert_eq!(body["status_text"], *text, "{body}");
        assert_eq!(body["transport"], "whatsapp", "{body}");
        assert_eq!(body["holder"], "worker-a", "{body}");
        assert!(body["since"].is_string(), "{status}: since when: {body}");
        assert_eq!(
            body["last_error"].as_str(),
            u.last_error.as_deref(),
            "{body}"
        );
        assert_eq!(body["connected"], status == "CONNECTED", "{body}");

        let (code, html) = app.page(&finance, "/whatsapp").await;
        assert_eq!(code, StatusCode::OK);
        assert!(
            html.contains(&format!(">{text}<")),
            "{status}: {text}: {html}"
        );
        assert!(
            html.contains("data-wa-text=\"since_wib\">28 Nov 2026 09:00 WIB<"),
            "{status}: since"
        );
        if let Some(e) = &u.last_error {
            assert!(html.contains(e.as_str()), "{status}: the last error");
        }
        let (code, live) = app.page(&finance, "/whatsapp/connection").await;
        assert_eq!(code, StatusCode::OK);
        let live: Value = serde_json::from_str(&live).unwrap();
        assert_eq!(live["status_text"], *text, "{live}");
    }

    // While waiting: the raw QR string and its SVG, on the page and in both endpoints.
    let mut waiting = update(ConnectionStatus::WaitingQr);
    waiting.qr = Some("2@pertama,kunci,identitas,rahasia".into());
    waiting.pair_code = Some("K7QW2PXM".into());
    record(app, &waiting).await;
    let status = api
        .get("pusat", "/whatsapp/status")
        .await
        .expect(StatusCode::OK);
    assert_eq!(status["qr"], "2@pertama,kunci,identitas,rahasia");
    assert_eq!(status["pair_code"], "K7QW2PXM");
    let svg = status["qr_svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("<path"), "{svg}");
    let qr = api
        .get("finance", "/whatsapp/qr")
        .await
        .expect(StatusCode::OK);
    assert_eq!(qr["qr"], "2@pertama,kunci,identitas,rahasia");
    assert_eq!(qr["qr_svg"], status["qr_svg"]);
    assert_eq!(qr["status_text"], "Menunggu kode pairing");
    assert_eq!(qr["pair_code"], "K7QW2PXM");
    let (_, html) = app.page(&finance, "/whatsapp").await;
    assert!(html.contains(svg), "the same SVG inline on the page");
    assert!(
        html.contains("K7QW-2PXM"),
        "the pairing code, as the phone shows it"
    );
    // A new code: a new picture, the status keeps its "since".
    clock_ahead(app, 20).await;
    waiting.qr = Some("2@kedua,kunci,identitas,rahasia".into());
    record(app, &waiting).await;
    let again = api
        .get("finance", "/whatsapp/status")
        .await
        .expect(StatusCode::OK);
    assert_ne!(again["qr_svg"], status["qr_svg"]);
    assert_eq!(again["since"], status["since"]);

    // Connected: no QR any more.
    let mut connected = update(ConnectionStatus::Connected);
    connected.phone = Some("6281234567890".into());
    record(app, &connected).await;
    let body = api
        .get("finance", "/whatsapp/status")
        .await
        .expect(StatusCode::OK);
    assert!(body["qr"].is_null() && body["qr_svg"].is_null(), "{body}");
    api.get("finance", "/whatsapp/qr")
        .await
        .expect(StatusCode::NOT_FOUND);
    let (_, html) = app.page(&finance, "/whatsapp").await;
    assert!(!html.contains("<svg"), "no QR code once connected");

    // Everyone else: refused.
    for user in ["gudang", "stokis001", "mitra0001"] {
        for path in ["/whatsapp/status", "/whatsapp/qr"] {
            api.get(user, path).await.expect(StatusCode::FORBIDDEN);
        }
    }
    let gudang = app.login_as("gudang").await;
    for path in ["/whatsapp", "/whatsapp/connection", "/whatsapp/logout"] {
        let (code, _) = app.page(&gudang, path).await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{path}");
    }
}

async fn clock_ahead(app: &TestApp, secs: i64) {
    app.clock.advance(Duration::seconds(secs));
}

#[tokio::test]
async fn the_page_says_when_messages_go_elsewhere_or_nowhere_and_how_fast_they_go() {
    let (app, _world) = TestApp::with_world().await;
    let pusat = app.login_as("pusat").await;
    let mut console = update(ConnectionStatus::Connected);
    console.phone = Some("console".into());
    console.transport = Some("console".into());
    record(&app, &console).await;
    let (_, html) = app.page(&pusat, "/whatsapp").await;
    assert!(html.contains("id=\"wa-console\""), "{html}");
    assert!(html.contains("tidak ada yang sampai ke WhatsApp"));
    assert!(!html.contains("Mode uji"), "no redirect, no banner");
    // The limiter in words: the fresh-number defaults, no ramp without a pairing date.
    assert!(html.contains("Jeda acak 20–60 detik antar pesan"), "{html}");
    assert!(html.contains("Batas harian 1000 pesan"));
    assert!(html.contains(
        "100 pesan pada hari nomor dipasangkan, dua kali lipat setiap hari berikutnya sampai 1000"
    ));
    assert!(html.contains("Batas hari ini: 1000 pesan."));
    assert!(html.contains("Jam tenang 21:00–07:00 WIB"));

    // A real number paired this morning, in test mode.
    let mut paired = update(ConnectionStatus::Connected);
    paired.phone = Some("6281234567890".into());
    paired.paired_at = Some(app.clock.now() - Duration::hours(1));
    paired.redirect_to = Some("6285712345678".into());
    record(&app, &paired).await;
    let (_, html) = app.page(&pusat, "/whatsapp").await;
    assert!(
        html.contains("Mode uji: semua pesan dikirim ke +62 857-1234-5678"),
        "{html}"
    );
    assert!(!html.contains("id=\"wa-console\""));
    assert!(
        html.contains(
            "Batas hari ini: 100 pesan (masih naik bertahap sejak dipasangkan 28 Nov 2026)"
        ),
        "{html}"
    );
    assert!(
        html.contains("0 / 100"),
        "today's budget uses the ramped cap"
    );
    // The page works without script and loads the refresh from a file (no inline script).
    assert!(html.contains("<script src=\"/static/whatsapp.js\" defer></script>"));
    assert!(html.contains("data-wa-poll=\"/whatsapp/connection\""));
    let (code, js) = app.page(&pusat, "/static/whatsapp.js").await;
    assert_eq!(code, StatusCode::OK);
    assert!(js.contains("setTimeout(poll, 3000)"), "{js}");
}

#[tokio::test]
async fn pairing_by_code_logging_out_and_pairing_again_leave_a_command_for_the_worker() {
    let (app, _world) = TestApp::with_world().await;
    let finance = app.login_as("finance").await;
    let mut waiting = update(ConnectionStatus::WaitingQr);
    waiting.qr = Some("2@pertama,kunci".into());
    record(&app, &waiting).await;

    // A number that is none: the form again, the error at the field, nothing asked.
    let res = app
        .submit(&finance, "/whatsapp/pair-code", &[("phone", "12345")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"pair-phone-error\""), "{html}");
    assert!(html.contains("value=\"12345\""), "what was typed stays");
    assert_eq!(command(&app).await, Some((None, None)));

    let res = app
        .submit(
            &finance,
            "/whatsapp/pair-code",
            &[("phone", "0812-3456-7890")],
        )
        .await;
    assert_eq!(location(&res), "/whatsapp");
    let html = app.follow(&finance, res).await;
    assert!(
        html.contains("Permintaan kode pairing untuk +62 812-3456-7890 dikirim ke worker"),
        "{html}"
    );
    assert!(
        html.contains(
            "data-wa-text=\"pending_command_text\">kode pairing untuk +62 812-3456-7890<"
        ),
        "the pending request: {html}"
    );
    assert_eq!(
        command(&app).await,
        Some((Some("PAIR_CODE".into()), Some("6281234567890".into())))
    );
    // The worker answers with the code: the page shows it large.
    waiting.pair_code = Some("K7QW2PXM".into());
    record(&app, &waiting).await;
    let (_, html) = app.page(&finance, "/whatsapp").await;
    assert!(
        html.contains(
            "class=\"wa-code\" id=\"wa-pair-code\" data-wa-text=\"pair_code_display\">K7QW-2PXM<"
        ),
        "{html}"
    );
    assert!(html.contains(">Menunggu kode pairing<"));

    // Logging out: first what it does, then the request.
    sqlx::query("UPDATE whatsapp_sessions SET command = NULL, command_phone = NULL")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (code, confirm) = app.page(&finance, "/whatsapp/logout").await;
    assert_eq!(code, StatusCode::OK);
    assert!(confirm.contains("Keluarkan perangkat?"), "{confirm}");
    assert!(
        confirm.contains("tidak ada pesan yang terkirim"),
        "{confirm}"
    );
    assert!(confirm.contains("Ya, keluarkan perangkat"));
    assert_eq!(
        command(&app).await,
        Some((None, None)),
        "asking is not doing"
    );
    let res = app.submit(&finance, "/whatsapp/logout", &[]).await;
    let html = app.follow(&finance, res).await;
    assert!(
        html.contains("Permintaan keluarkan perangkat dikirim ke worker"),
        "{html}"
    );
    assert_eq!(command(&app).await, Some((Some("LOGOUT".into()), None)));

    let (_, confirm) = app.page(&finance, "/whatsapp/relink").await;
    assert!(
        confirm.contains("Tautkan ulang?") && confirm.contains("kode QR baru"),
        "{confirm}"
    );
    let res = app.submit(&finance, "/whatsapp/relink", &[]).await;
    assert_eq!(location(&res), "/whatsapp");
    assert_eq!(command(&app).await, Some((Some("PAIR_QR".into()), None)));

    // Nobody else may.
    sqlx::query("UPDATE whatsapp_sessions SET command = NULL")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let gudang = app.login_as("gudang").await;
    for (path, fields) in [
        ("/whatsapp/pair-code", vec![("phone", "0812-3456-7890")]),
        ("/whatsapp/logout", vec![]),
        ("/whatsapp/relink", vec![]),
    ] {
        let res = app.submit(&gudang, path, &fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(command(&app).await, Some((None, None)));
}

#[tokio::test]
async fn the_api_leaves_commands_too_and_refuses_everyone_else() {
    let api = Api::spawn().await;
    for user in ["gudang", "stokis001", "mitra0001"] {
        api.post(user, "/whatsapp/commands", json!({"command": "LOGOUT"}))
            .await
            .expect(StatusCode::FORBIDDEN);
    }
    assert_eq!(command(&api.app).await, None, "nothing written");
    api.post(
        "finance",
        "/whatsapp/commands",
        json!({"command": "SHUTDOWN"}),
    )
    .await
    .expect_field("command");
    api.post(
        "finance",
        "/whatsapp/commands",
        json!({"command": "PAIR_CODE", "phone": "0812"}),
    )
    .await
    .expect_field("phone");
    assert_eq!(command(&api.app).await, None, "nothing written");

    let body = api
        .post(
            "pusat",
            "/whatsapp/commands",
            json!({"command": "PAIR_CODE", "phone": "+62 812-3456-7890"}),
        )
        .await
        .expect(StatusCode::ACCEPTED);
    assert_eq!(body["pending_command"], "PAIR_CODE", "{body}");
    assert_eq!(
        command(&api.app).await,
        Some((Some("PAIR_CODE".into()), Some("6281234567890".into())))
    );
    let body = api
        .post(
            "finance",
            "/whatsapp/commands",
            json!({"command": "LOGOUT"}),
        )
        .await
        .expect(StatusCode::ACCEPTED);
    assert_eq!(body["pending_command"], "LOGOUT");
    assert_eq!(command(&api.app).await, Some((Some("LOGOUT".into()), None)));
    let status = api
        .get("finance", "/whatsapp/status")
        .await
        .expect(StatusCode::OK);
    assert_eq!(status["pending_command"], "LOGOUT");
}

#[tokio::test]
async fn the_log_shows_when_a_message_was_sent_received_read_or_held() {
    let api = Api::spawn().await;
    let app = &api.app;
    let now = app.clock.now();
    let read = app
        .insert_log(Log {
            phone: "6281234567001",
            message: "Pesan yang sudah dibaca",
            status: "SENT",
            kind: "ORDER",
            stokis_id: None,
            created_at: now - Duration::minutes(30),
        })
        .await;
    let held = app
        .insert_log(Log {
            phone: "6281234567002",
            message: "Pesan yang ditahan",
            status: "PENDING",
            kind: "ORDER",
            stokis_id: None,
            created_at: now - Duration::minutes(20),
        })
        .await;
    sqlx::query(
        "UPDATE whatsapp_logs SET sent_at = $2 - interval '29 minutes',
                acked_at = $2 - interval '29 minutes', delivered_at = $2 - interval '28 minutes',
                read_at = $2 - interval '10 minutes'
         WHERE id = $1",
    )
    .bind(read)
    .bind(now)
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE whatsapp_logs SET nack_code = '463',
                hold_reason = 'kontak pertama ditolak WhatsApp; dicoba lagi nanti'
         WHERE id = $1",
    )
    .bind(held)
    .execute(&app.db.pool)
    .await
    .unwrap();

    let finance = app.login_as("finance").await;
    let (_, html) = app.page(&finance, "/whatsapp").await;
    let row = |id: i64| {
        let start = html.find(&format!("data-log=\"{id}\"")).unwrap();
        let rest = &html[start..];
        rest[..rest.find("</tr>").unwrap()].to_owned()
    };
    let r = row(read);
    assert!(r.contains("Terkirim 28 Nov 2026 08:31 WIB"), "{r}");
    assert!(r.contains("Diterima 28 Nov 2026 08:32 WIB"), "{r}");
    assert!(r.contains("Dibaca 28 Nov 2026 08:50 WIB"), "{r}");
    let h = row(held);
    assert!(
        h.contains("Ditahan WhatsApp: kontak pertama ditolak WhatsApp; dicoba lagi nanti"),
        "{h}"
    );
    assert!(h.contains("kode penolakan 463"), "{h}");

    let body = api
        .get("pusat", "/whatsapp/logs")
        .await
        .expect(StatusCode::OK);
    let item = |id: i64| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    let r = item(read);
    assert_eq!(r["acked_at"], "2026-11-28T01:31:00Z", "{r}");
    assert_eq!(r["delivered_at"], "2026-11-28T01:32:00Z", "{r}");
    assert_eq!(r["read_at"], "2026-11-28T01:50:00Z", "{r}");
    assert!(
        r["hold_reason"].is_null() && r["nack_code"].is_null(),
        "{r}"
    );
    let h = item(held);
    assert_eq!(h["nack_code"], "463");
    assert_eq!(
        h["hold_reason"],
        "kontak pertama ditolak WhatsApp; dicoba lagi nanti"
    );
    assert!(h["delivered_at"].is_null() && h["read_at"].is_null());

    // The OpenAPI document says all of it.
    let doc: Value = app
        .client()
        .get(app.url(domain::Portal::Admin, "/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schema = |name: &str| doc["components"]["schemas"][name]["properties"].clone();
    for field in [
        "acked_at",
        "delivered_at",
        "read_at",
        "nack_code",
        "hold_reason",
    ] {
        assert!(
            schema("WhatsappLog")[field].is_object(),
            "WhatsappLog.{field}"
        );
    }
    for field in [
        "status_text",
        "since",
        "banned_until",
        "transport",
        "redirect_to",
        "qr",
        "qr_svg",
        "pair_code",
        "pending_command",
    ] {
        assert!(
            schema("WhatsappStatus")[field].is_object(),
            "WhatsappStatus.{field}"
        );
    }
    for field in ["qr", "qr_svg", "status_text", "since"] {
        assert!(
            schema("WhatsappQr")[field].is_object(),
            "WhatsappQr.{field}"
        );
    }
    assert!(schema("SendBudget")["full_cap"].is_object());
    assert!(doc["paths"]["/api/v1/whatsapp/commands"]["post"].is_object());
}
