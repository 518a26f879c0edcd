//! Everyday use in a real headless Chromium (issue 12): Enter in a quantity field of the
//! new-order and new-PO forms moves on and never sends; the irreversible actions (stokis
//! confirm and ship, mitra delivery, finance approval, gudang shipping, deactivating a user)
//! ask first with what will happen, show a sending state and send once.

use domain::Portal;
use serde_json::Value;
use tests::TestApp;
use tests::browser::{Browser, Driver, Screen};
use tests::fixtures::{World, count, history};

/// The ids of the quantity fields a user can see now, in page order.
async fn visible_quantities(browser: &Browser<'_>) -> Vec<String> {
    let found = browser
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('input.qty'))
                 .filter(function (i) { return i.offsetParent !== null; })
                 .map(function (i) { return i.id; });",
            vec![],
        )
        .await;
    match found {
        Ok(Value::Array(ids)) => ids
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        other => panic!("could not list the quantity fields: {other:?}"),
    }
}

/// Enter on the lines form at `path`: from the first field to the next, from the last to the
/// submit button; nothing is sent (`table` keeps its rows). The submit button then sends.
async fn enter_moves_through(browser: &Browser<'_>, path: &str, table: &str, app: &TestApp) {
    browser.expect_path(path).await;
    let fields = visible_quantities(browser).await;
    assert!(
        fields.len() >= 2,
        "an open group with several products: {fields:?}"
    );
    let (first, second, last) = (&fields[0], &fields[1], &fields[fields.len() - 1]);

    browser.fill(&format!("#{first}"), "3").await;
    browser.press_enter(&format!("#{first}")).await;
    assert_eq!(
        &browser.focused_id().await,
        second,
        "Enter moves to the next quantity"
    );
    browser.fill(&format!("#{second}"), "2").await;
    browser.press_enter(&format!("#{second}")).await;
    browser.press_enter(&format!("#{last}")).await;
    assert_eq!(
        browser.focused_id().await,
        "BUTTON",
        "after the last: the submit button"
    );
    browser.shot("enter-pressed").await;
    // Nothing left: still the form, with what was typed, and no record.
    assert_eq!(browser.path().await, path);
    browser.expect_text_in("#lines-count", "2").await;
    assert_eq!(count(&app.db.pool, table).await, 0, "Enter sent nothing");
}

#[tokio::test]
async fn enter_in_a_quantity_moves_to_the_next_field_and_never_sends() {
    let app = TestApp::spawn().await;
    World::build(&app.db.pool).await;
    let driver = Driver::start("enter_in_a_quantity_moves_to_the_next_field_and_never_sends").await;

    let mitra = driver.browser("mitra0001", Screen::Phone).await;
    mitra.login(&app, Portal::Mitra, "mitra0001").await;
    mitra.goto(&app.url(Portal::Mitra, "/orders/new")).await;
    enter_moves_through(&mitra, "/orders/new", "orders", &app).await;
    mitra
        .click_to_page(r#"form[action="/orders"] button[type="submit"]"#)
        .await;
    mitra.expect_text("terkirim ke stokis").await;
    assert_eq!(count(&app.db.pool, "orders").await, 1);
    assert_eq!(count(&app.db.pool, "order_items").await, 2);

    let stokis = driver.browser("stokis001", Screen::Phone).await;
    stokis.login(&app, Portal::Stokis, "stokis001").await;
    stokis
        .goto(&app.url(Portal::Stokis, "/purchase-orders/new"))
        .await;
    enter_moves_through(&stokis, "/purchase-orders/new", "purchase_orders", &app).await;
    stokis
        .click_to_page(r#"form[action="/purchase-orders"] button[type="submit"]"#)
        .await;
    stokis.expect_text("diajukan ke pusat").await;
    assert_eq!(count(&app.db.pool, "purchase_orders").await, 1);
}

/// What the button of the form `form` says and whether it can be pressed, read from the page.
async fn button_state(browser: &Browser<'_>, form: &str) -> (String, bool) {
    let script = format!(
        "var b = document.querySelector('{form} button[type=\"submit\"]');
         return b ? [b.textContent.trim(), b.disabled] : null;"
    );
    match browser.client().execute(&script, vec![]).await {
        Ok(Value::Array(v)) if v.len() == 2 => (
            v[0].as_str().unwrap_or_default().to_owned(),
            v[1].as_bool().unwrap_or_default(),
        ),
        other => {
            let msg = browser
                .failure(&format!("no submit button in `{form}`: {other:?}"))
                .await;
            panic!("{msg}");
        }
    }
}

#[tokio::test]
async fn irreversible_order_steps_ask_first_show_sending_and_send_once() {
    let app = TestApp::spawn().await;
    let w = World::build(&app.db.pool).await;
    let driver =
        Driver::start("irreversible_order_steps_ask_first_show_sending_and_send_once").await;
    let order = app.place_order(&w.mitra_a_user, &[(w.ayam.0, 3)], "").await;
    let (id, number) = (order.id, order.number.clone());
    let confirm = format!(r#"form[action="/orders/{id}/confirm"]"#);

    let stokis = driver.browser("stokis001", Screen::Phone).await;
    stokis.login(&app, Portal::Stokis, "stokis001").await;
    stokis
        .goto(&app.url(Portal::Stokis, &format!("/orders/{id}")))
        .await;

    // "Batal": nothing is sent, the button is as it was.
    stokis
        .click_to_dialog(&format!("{confirm} button[type=\"submit\"]"))
        .await;
    let asked = stokis.answer_dialog(false).await;
    assert!(
        asked.contains(&format!("Konfirmasi pesanan {number}")),
        "{asked}"
    );
    assert!(
        asked.contains("tidak bisa ditolak atau dibatalkan lagi"),
        "{asked}"
    );
    assert!(asked.contains("Rp 165.000"), "{asked}");
    assert_eq!(app.order_status(id).await, "PENDING");
    assert_eq!(
        button_state(&stokis, &confirm).await,
        ("Konfirmasi pesanan".to_owned(), false)
    );

    // OK: while the request is on its way the button says so and takes no second tap. Read
    // in the same turn of the page's event loop as the tap, before the answer can replace the
    // page; the question (checked above) is answered by the script here and counted.
    let script = format!(
        "var done = arguments[arguments.length - 1];
         var form = document.querySelector('{confirm}');
         var b = form.querySelector('button[type=\"submit\"]');
         var asked = 0;
         window.confirm = function () {{ asked += 1; return true; }};
         window.__dfrestoOldPage = true;
         b.click();
         setTimeout(function () {{
           var state = [b.textContent.trim(), b.disabled];
           form.requestSubmit();
           done([state[0], state[1], asked]);
         }}, 0);"
    );
    let seen = stokis.client().execute_async(&script, vec![]).await;
    assert_eq!(
        seen.ok(),
        Some(serde_json::json!(["Mengirim…", true, 1])),
        "sending, disabled, and the second submit dropped before asking again"
    );
    stokis.expect_new_page("Konfirmasi pesanan").await;
    stokis
        .expect_text_in(".page-head .badge", "Dikonfirmasi")
        .await;
    stokis
        .expect_text(&format!("Pesanan {number} dikonfirmasi"))
        .await;
    assert_eq!(
        history(&app.db.pool, "ORDER", id).await,
        vec![
            (None, "PENDING".to_owned()),
            (Some("PENDING".to_owned()), "CONFIRMED".to_owned())
        ],
        "confirmed once"
    );

    // Shipping asks too, saying the stock goes down.
    stokis
        .click_to_dialog(&format!(
            r#"form[action="/orders/{id}/ship"] button[type="submit"]"#
        ))
        .await;
    let asked = stokis.answer_dialog(true).await;
    assert!(
        asked.contains(&format!("Kirim pesanan {number}")),
        "{asked}"
    );
    assert!(asked.contains("Stok Anda langsung berkurang"), "{asked}");
    stokis.expect_new_page("Kirim pesanan").await;
    stokis.expect_text_in(".page-head .badge", "Dikirim").await;
    stokis.shot("shipped").await;

    // The mitra's "sudah diterima" asks before it closes the order.
    let mitra = driver.browser("mitra0001", Screen::Phone).await;
    mitra.login(&app, Portal::Mitra, "mitra0001").await;
    mitra
        .goto(&app.url(Portal::Mitra, &format!("/orders/{id}")))
        .await;
    let deliver = format!(r#"form[action="/orders/{id}/deliver"] button[type="submit"]"#);
    mitra.click_to_dialog(&deliver).await;
    let asked = mitra.answer_dialog(false).await;
    assert!(
        asked.contains(&format!("Tandai pesanan {number} sudah diterima?")),
        "{asked}"
    );
    assert!(asked.contains("tidak bisa dibatalkan"), "{asked}");
    assert_eq!(app.order_status(id).await, "SHIPPED");
    mitra.click_to_dialog(&deliver).await;
    mitra.answer_dialog(true).await;
    mitra.expect_new_page("Pesanan sudah diterima").await;
    mitra.expect_text_in(".page-head .badge", "Diterima").await;
    mitra.shot("delivered").await;
    assert_eq!(app.order_status(id).await, "DELIVERED");
}

#[tokio::test]
async fn admin_approval_shipping_and_deactivation_ask_first() {
    let app = TestApp::spawn().await;
    let w = World::build(&app.db.pool).await;
    let driver = Driver::start("admin_approval_shipping_and_deactivation_ask_first").await;
    let po = app.submit_po(&w.stokis_a_user, &[(w.ayam.0, 10)]).await;
    let (id, number) = (po.id, po.number.clone());

    // Finance, from the queue: "Batal" leaves the PO waiting, OK approves it.
    let finance = driver.browser("finance", Screen::Laptop).await;
    finance.login(&app, Portal::Admin, "finance").await;
    finance.goto(&app.url(Portal::Admin, "/approvals")).await;
    let approve = format!(r#"form[action="/purchase-orders/{id}/approve"] button[type="submit"]"#);
    finance.click_to_dialog(&approve).await;
    let asked = finance.answer_dialog(false).await;
    assert!(asked.contains(&format!("Setujui PO {number}")), "{asked}");
    assert!(asked.contains("Rp 480.000"), "{asked}");
    assert!(asked.contains("limit kredit"), "{asked}");
    assert_eq!(app.po_status(id).await, "SUBMITTED");
    finance.click_to_dialog(&approve).await;
    finance.answer_dialog(true).await;
    finance.expect_new_page("Setujui").await;
    finance.expect_text(&format!("{number} disetujui")).await;
    finance.shot("approved-from-queue").await;
    assert_eq!(app.po_status(id).await, "APPROVED");

    // On a PO's own page the approval asks the same.
    let other = app.submit_po(&w.stokis_a_user, &[(w.saus.0, 5)]).await;
    finance
        .goto(&app.url(Portal::Admin, &format!("/purchase-orders/{}", other.id)))
        .await;
    finance
        .click_to_dialog(&format!(
            r#"form[action="/purchase-orders/{}/approve"] button[type="submit"]"#,
            other.id
        ))
        .await;
    let asked = finance.answer_dialog(false).await;
    assert!(
        asked.contains(&format!("Setujui PO {}", other.number)),
        "{asked}"
    );
    assert_eq!(app.po_status(other.id).await, "SUBMITTED");

    // Gudang: shipping says it issues the invoice.
    let gudang = driver.browser("gudang", Screen::Laptop).await;
    gudang.login(&app, Portal::Admin, "gudang").await;
    gudang.goto(&app.url(Portal::Admin, "/shipping")).await;
    let ship = format!(r#"form[action="/purchase-orders/{id}/ship"] button[type="submit"]"#);
    gudang.click_to_dialog(&ship).await;
    let asked = gudang.answer_dialog(false).await;
    assert!(asked.contains(&format!("Kirim PO {number}")), "{asked}");
    assert!(
        asked.contains("invoice senilai Rp 480.000 diterbitkan"),
        "{asked}"
    );
    assert_eq!(app.po_status(id).await, "APPROVED");
    assert_eq!(count(&app.db.pool, "invoices").await, 0);
    gudang.click_to_dialog(&ship).await;
    gudang.answer_dialog(true).await;
    gudang.expect_new_page("Kirim").await;
    gudang.expect_text("invoice sudah diterbitkan").await;
    assert_eq!(app.po_status(id).await, "SHIPPED");
    assert_eq!(count(&app.db.pool, "invoices").await, 1);

    // Pusat: deactivating a user names who and what follows.
    let pusat = driver.browser("pusat", Screen::Laptop).await;
    pusat.login(&app, Portal::Admin, "pusat").await;
    let user = w.mitra_a_user.user_id;
    pusat
        .goto(&app.url(Portal::Admin, &format!("/users/{user}")))
        .await;
    let deactivate = format!(r#"form[action="/users/{user}/deactivate"] button[type="submit"]"#);
    pusat.click_to_dialog(&deactivate).await;
    let asked = pusat.answer_dialog(false).await;
    assert!(asked.contains("Nonaktifkan"), "{asked}");
    assert!(asked.contains("(mitra0001)"), "{asked}");
    assert!(asked.contains("tidak bisa masuk lagi"), "{asked}");
    let active = || async {
        sqlx::query_scalar::<_, bool>("SELECT active FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    assert!(active().await, "Batal keeps the account");
    pusat.click_to_dialog(&deactivate).await;
    pusat.answer_dialog(true).await;
    pusat.expect_new_page("Nonaktifkan").await;
    pusat.shot("deactivated").await;
    assert!(!active().await, "OK deactivates it");
}

#[tokio::test]
async fn a_refused_order_puts_the_faulty_quantity_in_view_and_marks_it() {
    let app = TestApp::spawn().await;
    let w = World::build(&app.db.pool).await;
    let driver =
        Driver::start("a_refused_order_puts_the_faulty_quantity_in_view_and_marks_it").await;
    let mitra = driver.browser("mitra0001", Screen::Phone).await;
    mitra.login(&app, Portal::Mitra, "mitra0001").await;
    mitra.goto(&app.url(Portal::Mitra, "/orders/new")).await;
    let bad = format!("qty_{}", w.kentang.0);
    mitra.fill(&format!("#qty_{}", w.ayam.0), "3").await;
    mitra.fill(&format!("#{bad}"), "abc").await;
    mitra
        .click_to_page(r#"form[action="/orders"] button[type="submit"]"#)
        .await;
    // The summary at the top, the field marked with its message next to it, in view, focused.
    mitra
        .expect_text_in(".lines-form .alert-error", "Periksa isian yang ditandai")
        .await;
    let message = mitra.text_of(&format!("#{bad}-error")).await;
    assert!(!message.trim().is_empty(), "a message next to the field");
    let seen = mitra
        .client()
        .execute(
            &format!(
                "var f = document.getElementById('{bad}'); var r = f.getBoundingClientRect();
                 return [f.getAttribute('aria-invalid'), f.getAttribute('aria-describedby'),
                         r.top >= 0 && r.bottom <= window.innerHeight];"
            ),
            vec![],
        )
        .await;
    assert_eq!(
        seen.ok(),
        Some(serde_json::json!(["true", format!("{bad}-error"), true])),
        "marked, described by its message, on screen"
    );
    assert_eq!(
        mitra.focused_id().await,
        bad,
        "the faulty field has the focus"
    );
    mitra.shot("refused-in-view").await;
    assert_eq!(count(&app.db.pool, "orders").await, 0);
}
