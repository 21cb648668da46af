/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The inbox tabs: the domains of the web client's tabs
   (edaftar_dak receipt.xml and file.xml, ir.action.act_window.domain),
   most pressing first.  A file has no 'Received' or 'Pending Action' tab
   in the web client: the app uses the same searchers of DocumentMixin
   (held_by_me, unread_by_me) so that a file sent to me is counted too. */
export const RECEIPT = 'edaftar.receipt';
export const FILE = 'edaftar.file';

export const TABS = [
    {
        id: 'overdue',
        label: 'tab.overdue',
        receipt: [['held_by_me', '=', true], ['overdue', '=', true]],
        file: [['held_by_me', '=', true], ['overdue', '=', true]],
        alert: true,
    },
    {
        id: 'received',
        label: 'tab.received',
        receipt: [['held_by_me', '=', true], ['unread_by_me', '=', true]],
        file: [['held_by_me', '=', true], ['unread_by_me', '=', true],
            ['state', '=', 'open']],
        alert: true,
    },
    {
        id: 'pending',
        label: 'tab.pending',
        receipt: [['held_by_me', '=', true],
            ['state', 'in', ['draft', 'registered', 'in_process']]],
        file: [['held_by_me', '=', true], ['state', '=', 'open']],
    },
    {
        id: 'flagged',
        label: 'tab.flagged',
        receipt: [['flagged_by_me', '=', true]],
        file: [['flagged_by_me', '=', true]],
    },
    {
        id: 'information',
        label: 'tab.information',
        receipt: [['for_my_information', '=', true]],
        file: [['for_my_information', '=', true]],
    },
    {
        id: 'sent',
        label: 'tab.sent',
        receipt: [['sent_by_me', '=', true]],
        file: [['sent_by_me', '=', true]],
        secondary: true,
    },
];

export const PRIORITY_RANK = {immediate: 0, urgent: 1, normal: 2};

export const LIST_FIELDS = {
    [RECEIPT]: ['number', 'subject', 'sender_name', 'sender_organisation',
        'priority', 'confidentiality', 'due_date', 'overdue',
        'unread_by_me', 'state', 'holder.rec_name', 'received_date'],
    [FILE]: ['number', 'subject', 'priority', 'confidentiality', 'due_date',
        'overdue', 'unread_by_me', 'state', 'holder.rec_name'],
};

export function byPressing(a, b) {
    // Overdue, then immediate, urgent, normal, then the earliest due
    if (Boolean(b.overdue) !== Boolean(a.overdue)) {
        return a.overdue ? -1 : 1;
    }
    const rank = (PRIORITY_RANK[a.priority] ?? 3)
        - (PRIORITY_RANK[b.priority] ?? 3);
    if (rank) {
        return rank;
    }
    const dueA = a.due_date ? a.due_date.year * 10000 + a.due_date.month * 100
        + a.due_date.day : 99999999;
    const dueB = b.due_date ? b.due_date.year * 10000 + b.due_date.month * 100
        + b.due_date.day : 99999999;
    return dueA - dueB || a.id - b.id;
}

// The counts of Home: one search_count per model and tab, in parallel
export async function loadCounts(app) {
    const result = {};
    await Promise.all(TABS.map(async (tab) => {
        const [receipts, files] = await Promise.all([
            app.searchCount(RECEIPT, tab.receipt),
            app.searchCount(FILE, tab.file),
        ]);
        result[tab.id] = receipts + files;
    }));
    return result;
}
