//! The three state machines (order, purchase order, invoice) as pure functions: which action
//! moves which status where, and which role may take it. The persistence code asks here first.

use crate::role::Role;
use crate::text_enum::text_enum;

text_enum! {
    /// An order from a mitra to its stokis.
    pub enum OrderStatus {
        Pending => "PENDING",
        Confirmed => "CONFIRMED",
        Shipped => "SHIPPED",
        Delivered => "DELIVERED",
        Cancelled => "CANCELLED",
        Rejected => "REJECTED",
    }
}

text_enum! {
    pub enum OrderAction {
        Confirm => "CONFIRM",
        Reject => "REJECT",
        Ship => "SHIP",
        Deliver => "DELIVER",
        Cancel => "CANCEL",
    }
}

text_enum! {
    /// A purchase order from a stokis to head office.
    pub enum PoStatus {
        Submitted => "SUBMITTED",
        Approved => "APPROVED",
        Shipped => "SHIPPED",
        Received => "RECEIVED",
        Rejected => "REJECTED",
        Cancelled => "CANCELLED",
    }
}

text_enum! {
    pub enum PoAction {
        Approve => "APPROVE",
        Reject => "REJECT",
        Cancel => "CANCEL",
        Ship => "SHIP",
        Receive => "RECEIVE",
    }
}

text_enum! {
    pub enum InvoiceStatus {
        Unpaid => "UNPAID",
        Overdue => "OVERDUE",
        Paid => "PAID",
    }
}

text_enum! {
    pub enum InvoiceAction {
        /// Set by the daily run when the due date has passed.
        MarkOverdue => "MARK_OVERDUE",
        /// The payment that brings the balance to zero.
        Settle => "SETTLE",
    }
}

/// Who takes an action: a role, or the system itself (the daily run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Role(Role),
    System,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// This role (or the system) never takes this action.
    WrongRole,
    /// The action is not allowed from the current status.
    WrongState,
}

impl OrderAction {
    pub fn taken_by(self) -> Role {
        match self {
            OrderAction::Confirm | OrderAction::Reject | OrderAction::Ship => Role::Stokis,
            OrderAction::Deliver | OrderAction::Cancel => Role::Mitra,
        }
    }

    /// The verb for messages ("tidak bisa {verb}").
    pub fn verb(self) -> &'static str {
        match self {
            OrderAction::Confirm => "mengonfirmasi order",
            OrderAction::Reject => "menolak order",
            OrderAction::Ship => "mengirim order",
            OrderAction::Deliver => "mengonfirmasi penerimaan order",
            OrderAction::Cancel => "membatalkan order",
        }
    }
}

impl OrderStatus {
    pub fn next(self, action: OrderAction) -> Option<OrderStatus> {
        use OrderAction as A;
        use OrderStatus as S;
        match (self, action) {
            (S::Pending, A::Confirm) => Some(S::Confirmed),
            (S::Pending, A::Reject) => Some(S::Rejected),
            (S::Pending, A::Cancel) => Some(S::Cancelled),
            (S::Confirmed, A::Ship) => Some(S::Shipped),
            (S::Shipped, A::Deliver) => Some(S::Delivered),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Pending => "Menunggu",
            OrderStatus::Confirmed => "Dikonfirmasi",
            OrderStatus::Shipped => "Dikirim",
            OrderStatus::Delivered => "Diterima",
            OrderStatus::Cancelled => "Dibatalkan",
            OrderStatus::Rejected => "Ditolak",
        }
    }
}

/// The order state machine: the status after `action`, or why not.
pub fn order(from: OrderStatus, action: OrderAction, role: Role) -> Result<OrderStatus, Refusal> {
    if action.taken_by() != role {
        return Err(Refusal::WrongRole);
    }
    from.next(action).ok_or(Refusal::WrongState)
}

impl PoAction {
    pub fn taken_by(self) -> Role {
        match self {
            PoAction::Approve | PoAction::Reject => Role::Finance,
            PoAction::Ship => Role::Gudang,
            PoAction::Cancel | PoAction::Receive => Role::Stokis,
        }
    }

    pub fn verb(self) -> &'static str {
        match self {
            PoAction::Approve => "menyetujui PO",
            PoAction::Reject => "menolak PO",
            PoAction::Cancel => "membatalkan PO",
            PoAction::Ship => "mengirim PO",
            PoAction::Receive => "menerima PO",
        }
    }
}

impl PoStatus {
    pub fn next(self, action: PoAction) -> Option<PoStatus> {
        use PoAction as A;
        use PoStatus as S;
        match (self, action) {
            (S::Submitted, A::Approve) => Some(S::Approved),
            (S::Submitted, A::Reject) => Some(S::Rejected),
            (S::Submitted, A::Cancel) => Some(S::Cancelled),
            (S::Approved, A::Ship) => Some(S::Shipped),
            (S::Shipped, A::Receive) => Some(S::Received),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PoStatus::Submitted => "Diajukan",
            PoStatus::Approved => "Disetujui",
            PoStatus::Shipped => "Dikirim",
            PoStatus::Received => "Diterima",
            PoStatus::Rejected => "Ditolak",
            PoStatus::Cancelled => "Dibatalkan",
        }
    }
}

/// The purchase-order state machine.
pub fn purchase_order(from: PoStatus, action: PoAction, role: Role) -> Result<PoStatus, Refusal> {
    if action.taken_by() != role {
        return Err(Refusal::WrongRole);
    }
    from.next(action).ok_or(Refusal::WrongState)
}

impl InvoiceAction {
    pub fn taken_by(self) -> By {
        match self {
            InvoiceAction::MarkOverdue => By::System,
            InvoiceAction::Settle => By::Role(Role::Finance),
        }
    }
}

impl InvoiceStatus {
    pub fn next(self, action: InvoiceAction) -> Option<InvoiceStatus> {
        use InvoiceAction as A;
        use InvoiceStatus as S;
        match (self, action) {
            (S::Unpaid, A::MarkOverdue) => Some(S::Overdue),
            (S::Unpaid | S::Overdue, A::Settle) => Some(S::Paid),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Unpaid => "Belum dibayar",
            InvoiceStatus::Overdue => "Jatuh tempo lewat",
            InvoiceStatus::Paid => "Lunas",
        }
    }
}

/// The invoice state machine.
pub fn invoice(
    from: InvoiceStatus,
    action: InvoiceAction,
    by: By,
) -> Result<InvoiceStatus, Refusal> {
    if action.taken_by() != by {
        return Err(Refusal::WrongRole);
    }
    from.next(action).ok_or(Refusal::WrongState)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderAction as OA;
    use OrderStatus as OS;
    use PoAction as PA;
    use PoStatus as PS;

    /// The whole order table, written out: every (status, action) pair not listed is forbidden.
    const ORDER_ALLOWED: &[(OS, OA, OS, Role)] = &[
        (OS::Pending, OA::Confirm, OS::Confirmed, Role::Stokis),
        (OS::Pending, OA::Reject, OS::Rejected, Role::Stokis),
        (OS::Pending, OA::Cancel, OS::Cancelled, Role::Mitra),
        (OS::Confirmed, OA::Ship, OS::Shipped, Role::Stokis),
        (OS::Shipped, OA::Deliver, OS::Delivered, Role::Mitra),
    ];

    const PO_ALLOWED: &[(PS, PA, PS, Role)] = &[
        (PS::Submitted, PA::Approve, PS::Approved, Role::Finance),
        (PS::Submitted, PA::Reject, PS::Rejected, Role::Finance),
        (PS::Submitted, PA::Cancel, PS::Cancelled, Role::Stokis),
        (PS::Approved, PA::Ship, PS::Shipped, Role::Gudang),
        (PS::Shipped, PA::Receive, PS::Received, Role::Stokis),
    ];

    #[test]
    fn order_machine_is_exactly_the_table() {
        let mut checked = 0;
        for &from in OS::ALL {
            for &action in OA::ALL {
                for role in Role::ALL {
                    let expected = ORDER_ALLOWED
                        .iter()
                        .find(|(f, a, _, _)| *f == from && *a == action)
                        .map(|&(_, _, to, who)| (to, who));
                    let got = order(from, action, role);
                    match expected {
                        Some((to, who)) if who == role => {
                            assert_eq!(got, Ok(to), "{from} {action} by {role}")
                        }
                        Some(_) => {
                            assert_eq!(got, Err(Refusal::WrongRole), "{from} {action} by {role}")
                        }
                        None if action.taken_by() != role => {
                            assert_eq!(got, Err(Refusal::WrongRole), "{from} {action} by {role}")
                        }
                        None => {
                            assert_eq!(got, Err(Refusal::WrongState), "{from} {action} by {role}")
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 6 * 5 * 5);
    }

    #[test]
    fn po_machine_is_exactly_the_table() {
        for &from in PS::ALL {
            for &action in PA::ALL {
                for role in Role::ALL {
                    let expected = PO_ALLOWED
                        .iter()
                        .find(|(f, a, _, _)| *f == from && *a == action)
                        .map(|&(_, _, to, who)| (to, who));
                    let got = purchase_order(from, action, role);
                    match expected {
                        Some((to, who)) if who == role => {
                            assert_eq!(got, Ok(to), "{from} {action} by {role}")
                        }
                        _ if action.taken_by() != role => {
                            assert_eq!(got, Err(Refusal::WrongRole), "{from} {action} by {role}")
                        }
                        _ => assert_eq!(got, Err(Refusal::WrongState), "{from} {action} by {role}"),
                    }
                }
            }
        }
    }

    #[test]
    fn invoice_machine_is_exactly_the_table() {
        use InvoiceAction as IA;
        use InvoiceStatus as IS;
        let allowed = [
            (IS::Unpaid, IA::MarkOverdue, IS::Overdue, By::System),
            (IS::Unpaid, IA::Settle, IS::Paid, By::Role(Role::Finance)),
            (IS::Overdue, IA::Settle, IS::Paid, By::Role(Role::Finance)),
        ];
        let everyone: Vec<By> = Role::ALL
            .into_iter()
            .map(By::Role)
            .chain([By::System])
            .collect();
        for &from in IS::ALL {
            for &action in IA::ALL {
                for &by in &everyone {
                    let got = invoice(from, action, by);
                    match allowed
                        .iter()
                        .find(|(f, a, _, _)| *f == from && *a == action)
                    {
                        Some(&(_, _, to, who)) if who == by => assert_eq!(got, Ok(to)),
                        _ if action.taken_by() != by => assert_eq!(got, Err(Refusal::WrongRole)),
                        _ => assert_eq!(got, Err(Refusal::WrongState)),
                    }
                }
            }
        }
        // a paid invoice is final, and overdue is never set twice
        assert_eq!(
            invoice(IS::Paid, IA::Settle, By::Role(Role::Finance)),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            invoice(IS::Overdue, IA::MarkOverdue, By::System),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn terminal_states_have_no_way_out() {
        for terminal in [OS::Delivered, OS::Cancelled, OS::Rejected] {
            assert!(
                OA::ALL.iter().all(|&a| terminal.next(a).is_none()),
                "{terminal}"
            );
        }
        for terminal in [PS::Received, PS::Rejected, PS::Cancelled] {
            assert!(
                PA::ALL.iter().all(|&a| terminal.next(a).is_none()),
                "{terminal}"
            );
        }
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for &s in OS::ALL {
            assert_eq!(s.as_str().parse::<OS>(), Ok(s));
        }
        for &s in PS::ALL {
            assert_eq!(s.as_str().parse::<PS>(), Ok(s));
        }
        assert!("pending".parse::<OS>().is_err());
    }
}
