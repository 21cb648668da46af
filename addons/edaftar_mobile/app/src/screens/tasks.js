/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   My tasks (edaftar_task): the web client's Tasks › My Tasks
   ([assigned_to_me] — mine, or the officer's I act for as PA/PS) in its
   tabs To Do, In Progress, Overdue and Done, with counts; the nearest due
   date first (the latest completed first in Done).  A task opens with its
   description, dates, activity and parent task, its subtasks and its
   progress updates; Start and Complete click the task's buttons as the
   web client and the task board do (edaftar_task/kanban/board.js), a
   progress update is an edaftar.task.update created (text and percent).
   The server decides — only the assignee (or their PA/PS) starts,
   completes and reports, a parent is not completed while a subtask is
   open — and its refusal is shown as it is.

   Offline: Start and a progress update wait in the outbox and are sent
   when back online, their outcome shown; Complete is refused (the day it
   is completed is measured against the due date: it is the server's day
   when it is done, not when a queue is sent). */
import {html, useState} from '../lib/html.js';
import {registerScreen} from '../registry.js';
import {toDate, today} from '../lib/rpc.js';
import {
    Screen, Section, List, Item, Empty, Loading, Facts, Button, Field,
    useCached, formatDate, formatStamp, formatNumber,
} from '../ui.js';

export const TASK = 'edaftar.task';
const UPDATE = 'edaftar.task.update';
const OPEN = ['todo', 'in_progress'];
// The domain of the web client's action My Tasks (task.xml)
const MINE = [['assigned_to_me', '=', true]];
const TABS = [
    {id: 'todo', label: 'tasks.tab.todo', test: (t) => t.state === 'todo'},
    {id: 'in_progress', label: 'tasks.tab.in_progress',
        test: (t) => t.state === 'in_progress'},
    {id: 'overdue', label: 'tasks.tab.overdue', test: (t) => t.overdue},
    {id: 'done', label: 'tasks.tab.done'},
];
const OPEN_LIMIT = 500;
const DONE_LIMIT = 50;
const LIST_FIELDS = ['name', 'state', 'start_date', 'due_date', 'overdue',
    'progress', 'group.rec_name', 'parent.rec_name', 'assigned_by.rec_name',
    'completed_at', 'on_time', 'delay_days'];
const TASK_FIELDS = ['name', 'description', 'state', 'start_date',
    'due_date', 'started_at', 'completed_at', 'on_time', 'delay_days',
    'overdue', 'progress', 'assigned_to_me', 'group', 'group.rec_name',
    'parent', 'parent.rec_name', 'assignee.rec_name',
    'assigned_by.rec_name', 'document'];
const CHILD_FIELDS = ['name', 'state', 'due_date', 'overdue', 'progress',
    'assignee.rec_name'];
const UPDATE_FIELDS = ['text', 'percent', 'time', 'author.rec_name',
    'on_behalf_of.rec_name'];
// The documents a task may be about, and the app's screen of each
const DOCUMENTS = {
    'edaftar.receipt': 'tasks.document.receipt',
    'edaftar.file': 'tasks.document.file',
    'edaftar.directive.line': 'tasks.document.directive',
};

function name(record, field) {
    const value = record && record[`${field}.`];
    return value ? value.rec_name || '' : '';
}

function stateChip(app, state) {
    return {kind: 'state', text: app.t(`tasks.state.${state}`)};
}

function dueSoon(task) {
    return OPEN.includes(task.state) && !task.overdue && task.due_date
        && toDate(task.due_date) <= today(2);
}

async function loadTasks(app) {
    const [open, done, doneCount] = await Promise.all([
        app.searchRead(TASK, [...MINE, ['state', 'in', OPEN]],
            {fields: LIST_FIELDS, limit: OPEN_LIMIT,
                order: [['due_date', 'ASC'], ['id', 'ASC']]}),
        app.searchRead(TASK, [...MINE, ['state', '=', 'done']],
            {fields: LIST_FIELDS, limit: DONE_LIMIT,
                order: [['completed_at', 'DESC'], ['id', 'DESC']]}),
        app.searchCount(TASK, [...MINE, ['state', '=', 'done']]),
    ]);
    return {open, done, doneCount};
}

function Tasks({app, query}) {
    const [tab, setTab] = useState(TABS.some((x) => x.id === query.tab)
        ? query.tab : 'todo');
    const state = useCached(app, 'tasks/list', () => loadTasks(app));
    const data = state.data;
    const open = data ? data.open : [];
    const rows = (id) => {
        if (!data) {
            return [];
        }
        if (id === 'done') {
            return data.done;
        }
        return open.filter(TABS.find((x) => x.id === id).test);
    };
    const count = (id) => (id === 'done' ? data.doneCount : rows(id).length);
    const shown = rows(tab);
    const current = TABS.find((x) => x.id === tab);
    const choose = (id) => {
        setTab(id);
        // Back from a task returns to this tab
        window.history.replaceState(null, '', `#/tasks?tab=${id}`);
    };
    const refresh = () => {
        state.reload();
        app.refreshCounts();
    };
    return html`<${Screen} app=${app} title=${app.t('tasks.title')}
            id="tasks" onRefresh=${refresh}
            stale=${state.stale && !state.loading ? state.at : null}>
        <nav class="doc-tabs" role="tablist"
                aria-label=${app.t('tasks.title')}>
            ${TABS.map((x) => html`<button type="button" role="tab"
                key=${x.id} id=${'tasks-tab-' + x.id} data-tab=${x.id}
                aria-selected=${tab === x.id ? 'true' : 'false'}
                onClick=${() => choose(x.id)}>${app.t(x.label)}${data
                    ? ` (${formatNumber(count(x.id))})` : ''}</button>`)}
        </nav>
        ${state.loading && !data ? html`<${Loading} />` : null}
        ${state.error && !data ? html`<${Empty}
            text=${state.error.offline ? app.t('offline.not_cached')
                : state.error.message} />` : null}
        ${data && !shown.length ? html`<${Empty}
            text=${app.t(`tasks.empty.${tab}`)} />` : null}
        ${shown.length ? html`<${List} label=${app.t(current.label)}>
            ${shown.map((task) => html`<${Item} key=${task.id}
                id=${`${TASK},${task.id}`}
                href=${`#/tasks/${task.id}`}
                title=${task.name}
                subtitle=${[name(task, 'group'), name(task, 'parent')]
                    .filter(Boolean).join(' › ')}
                meta=${[task.state === 'done'
                    ? app.t('tasks.completed_on', {date:
                        formatStamp(task.completed_at)})
                    : app.t('tasks.due_on', {date: formatDate(task.due_date)}),
                    task.state === 'done' ? lateness(app, task) : '',
                    OPEN.includes(task.state) && task.progress
                        ? app.t('tasks.percent', {percent:
                            formatNumber(task.progress)}) : '',
                    name(task, 'assigned_by') ? app.t('tasks.by',
                        {name: name(task, 'assigned_by')}) : '']
                    .filter(Boolean).join(' · ')}
                overdue=${task.overdue}
                chips=${[dueSoon(task) ? {kind: 'urgent',
                    text: app.t('tasks.due_soon')} : null,
                    tab === 'overdue' ? stateChip(app, task.state) : null]}
                />`)}
        </${List}>` : null}
        ${tab === 'done' && data && data.doneCount > data.done.length
            ? html`<p class="hint">${app.t('tasks.done_limit',
                {count: formatNumber(data.done.length)})}</p>` : null}
        ${tab !== 'done' && open.length >= OPEN_LIMIT ? html`<p class="hint">
            ${app.t('tasks.limit', {count: formatNumber(OPEN_LIMIT)})}</p>`
            : null}
    </${Screen}>`;
}

function lateness(app, task) {
    if (task.on_time) {
        return app.t('tasks.on_time');
    }
    if (task.delay_days) {
        return app.t('tasks.days_late', {days: formatNumber(task.delay_days)});
    }
    return '';
}

async function loadTask(app, id) {
    const [[task], children, updates] = await Promise.all([
        app.call(TASK, 'read', [id], TASK_FIELDS),
        app.searchRead(TASK, [['parent', '=', id]],
            {fields: CHILD_FIELDS, order: [['due_date', 'ASC'],
                ['id', 'ASC']]}),
        app.searchRead(UPDATE, [['task', '=', id]],
            {fields: UPDATE_FIELDS, order: [['time', 'DESC'],
                ['id', 'DESC']]}),
    ]);
    return {task, children, updates};
}

function UpdateForm({app, task, onDone}) {
    const [text, setText] = useState('');
    const [percent, setPercent] = useState(String(task.progress || 0));
    const [busy, setBusy] = useState(false);
    const submit = async (event) => {
        event.preventDefault();
        const value = Number(percent);
        if (!text.trim()) {
            app.error({message: app.t('tasks.update_needed')});
            return;
        }
        if (!Number.isInteger(value) || value < 0 || value > 100) {
            app.error({message: app.t('tasks.percent_range')});
            return;
        }
        setBusy(true);
        try {
            const result = await app.act({
                label: app.t('outbox.label', {
                    action: app.t('tasks.update'), document: task.name}),
                model: UPDATE, method: 'create',
                args: [[{task: task.id, text: text.trim(), percent: value}]],
                queue: true});
            setText('');
            if (!result || !result.queued) {
                app.toast(app.t('tasks.update_done'), 'success');
                onDone();
            }
        } catch (error) {
            app.error(error);
        } finally {
            setBusy(false);
        }
    };
    return html`<form class="form" id="task-update" onSubmit=${submit}>
        <${Field} id="update-text" label=${app.t('tasks.update_text')}>
            <textarea id="update-text" rows="3" required value=${text}
                onInput=${(e) => setText(e.target.value)}></textarea>
        </${Field}>
        <${Field} id="update-percent" label=${app.t('tasks.update_percent')}>
            <div class="row">
                <input type="range" min="0" max="100" step="5"
                    aria-label=${app.t('tasks.update_percent')}
                    value=${percent}
                    onInput=${(e) => setPercent(e.target.value)} />
                <input id="update-percent" type="number" min="0" max="100"
                    step="1" inputmode="numeric" required value=${percent}
                    onInput=${(e) => setPercent(e.target.value)} />
            </div>
        </${Field}>
        <${Button} type="submit" kind="secondary" busy=${busy}
            id="task-update-submit">${app.t('tasks.update')}</${Button}>
    </form>`;
}

function Task({app, params}) {
    const id = Number(params.id);
    const [busy, setBusy] = useState('');
    const state = useCached(app, `tasks/task/${id}`, () => loadTask(app, id),
        [id]);
    const data = state.data;
    const task = data && data.task;
    const click = async (button) => {
        if (button === 'complete' && !app.online) {
            app.error({message: app.t('tasks.complete_offline')});
            return;
        }
        setBusy(button);
        try {
            const result = await app.act({
                label: app.t('outbox.label', {
                    action: app.t(`tasks.${button}`), document: task.name}),
                model: TASK, method: button, args: [[id]],
                queue: button === 'start'});
            if (!result || !result.queued) {
                app.toast(app.t(`tasks.${button}_done`, {name: task.name}),
                    'success');
                state.reload();
                app.refreshCounts();
            }
        } catch (error) {
            app.error(error);
        } finally {
            setBusy('');
        }
    };
    const open = task && OPEN.includes(task.state);
    const mine = task && task.assigned_to_me;
    const [documentModel, documentId] = task && task.document
        ? task.document.split(',') : [null, null];
    const openChildren = data ? data.children.filter(
        (c) => OPEN.includes(c.state)) : [];
    return html`<${Screen} app=${app} title=${app.t('tasks.task')}
            id="task" onRefresh=${state.reload}
            stale=${state.stale && !state.loading ? state.at : null}>
        ${state.loading && !data ? html`<${Loading} />` : null}
        ${state.error && !data ? html`<${Empty}
            text=${state.error.offline ? app.t('offline.not_cached')
                : state.error.message} />` : null}
        ${task ? html`
            <div class="doc-head" data-model=${TASK} data-id=${id}>
                <p class="doc-subject" id="task-name" dir="auto">
                    ${task.name}</p>
                <p class="doc-chips">
                    <span class="chip chip-state" id="task-state"
                        data-state=${task.state}>${app.t(
                            `tasks.state.${task.state}`)}</span>
                    ${task.overdue ? html`<span class="chip chip-overdue">
                        ${app.t('doc.overdue')}</span>` : null}
                    ${dueSoon(task) ? html`<span class="chip chip-urgent">
                        ${app.t('tasks.due_soon')}</span>` : null}
                </p>
                ${open ? html`<p class="task-progress">
                    <progress max="100" value=${task.progress || 0}
                        aria-label=${app.t('tasks.progress')}></progress>
                    <span id="task-progress"> ${app.t('tasks.percent',
                        {percent: formatNumber(task.progress || 0)})}</span>
                </p>` : null}
            </div>
            ${mine && open ? html`<div class="actions" role="group"
                    aria-label=${app.t('doc.actions')}>
                ${task.state === 'todo' ? html`<${Button} id="task-start"
                    kind="secondary" busy=${busy === 'start'}
                    disabled=${Boolean(busy)}
                    onClick=${() => click('start')}>
                    ${app.t('tasks.start')}</${Button}>` : null}
                <${Button} id="task-complete" busy=${busy === 'complete'}
                    disabled=${Boolean(busy)}
                    onClick=${() => click('complete')}>
                    ${app.t('tasks.complete')}</${Button}>
            </div>
            ${openChildren.length ? html`<p class="hint">${app.t(
                'tasks.open_subtasks_hint', {count:
                    formatNumber(openChildren.length)})}</p>` : null}
            ${!app.online ? html`<p class="hint offline-hint">
                ${app.t('tasks.offline_hint')}</p>` : null}` : null}
            <${Facts} rows=${[
                [app.t('tasks.activity'), name(task, 'group')],
                [app.t('tasks.parent'), name(task, 'parent')],
                [app.t('tasks.assigned_by'), name(task, 'assigned_by')],
                [app.t('tasks.assignee'), mine ? '' : name(task, 'assignee')],
                [app.t('tasks.start_date'), formatDate(task.start_date)],
                [app.t('tasks.due_date'), formatDate(task.due_date)],
                [app.t('tasks.started'), formatStamp(task.started_at)],
                [app.t('tasks.completed'), task.completed_at ? [
                    formatStamp(task.completed_at), lateness(app, task)]
                    .filter(Boolean).join(' · ') : ''],
            ]} />
            ${task.parent ? html`<p><a class="button button-secondary"
                href=${`#/tasks/${task.parent}`}>${app.t('tasks.open_parent',
                    {name: name(task, 'parent')})}</a></p>` : null}
            ${documentModel && DOCUMENTS[documentModel] ? html`<p><a
                class="button button-secondary" id="task-document"
                href=${`#/open/${documentModel}/${documentId}`}>
                ${app.t(DOCUMENTS[documentModel])}</a></p>` : null}
            ${task.description ? html`<${Section}
                    title=${app.t('tasks.description')}>
                <div class="paper-body" id="task-description" dir="auto">${task
                    .description.split('\n').map((p, i) => html`<p
                        key=${i}>${p}</p>`)}</div>
            </${Section}>` : null}
            ${data.children.length ? html`<${Section}
                    title=${app.t('tasks.subtasks')}
                    count=${data.children.length} id="task-subtasks">
                <${List} label=${app.t('tasks.subtasks')}>
                    ${data.children.map((c) => html`<${Item} key=${c.id}
                        id=${`${TASK},${c.id}`} href=${`#/tasks/${c.id}`}
                        title=${c.name}
                        subtitle=${name(c, 'assignee')}
                        meta=${[app.t('tasks.due_on',
                            {date: formatDate(c.due_date)}),
                            OPEN.includes(c.state) && c.progress
                                ? app.t('tasks.percent', {percent:
                                    formatNumber(c.progress)}) : '']
                            .filter(Boolean).join(' · ')}
                        overdue=${c.overdue}
                        chips=${[stateChip(app, c.state)]} />`)}
                </${List}>
            </${Section}>` : null}
            <${Section} title=${app.t('tasks.updates')}
                    count=${data.updates.length} id="task-updates">
                ${mine && open ? html`<${UpdateForm} app=${app} task=${task}
                    onDone=${state.reload} />` : null}
                ${data.updates.length ? html`<ol class="noting updates">
                    ${data.updates.map((u) => html`<li key=${u.id}
                            class="note update" data-id=${u.id}>
                        <p class="note-number">${app.t('tasks.percent',
                            {percent: formatNumber(u.percent)})}</p>
                        <div>
                            <p class="note-text" dir="auto">${u.text}</p>
                            <p class="note-meta">${[name(u, 'author'),
                                name(u, 'on_behalf_of') ? app.t('move.behalf',
                                    {name: name(u, 'on_behalf_of')}) : '',
                                formatStamp(u.time)].filter(Boolean)
                                .join(' · ')}</p>
                        </div>
                    </li>`)}
                </ol>` : html`<${Empty} text=${app.t('tasks.no_updates')} />`}
            </${Section}>
        ` : null}
    </${Screen}>`;
}

const STRINGS = {
    en: {
        'tasks.title': 'My Tasks',
        'tasks.menu': 'My Tasks',
        'tasks.task': 'Task',
        'tasks.tab.todo': 'To Do',
        'tasks.tab.in_progress': 'In Progress',
        'tasks.tab.overdue': 'Overdue',
        'tasks.tab.done': 'Done',
        'tasks.empty.todo': 'No task to start.',
        'tasks.empty.in_progress': 'No task in progress.',
        'tasks.empty.overdue': 'No task of yours is overdue.',
        'tasks.empty.done': 'No task completed yet.',
        'tasks.limit': 'Only the first {count} open tasks are shown.',
        'tasks.done_limit': 'The latest {count} are shown.',
        'tasks.state.todo': 'To Do',
        'tasks.state.in_progress': 'In Progress',
        'tasks.state.done': 'Done',
        'tasks.state.cancelled': 'Cancelled',
        'tasks.due_on': 'Due {date}',
        'tasks.due_soon': 'Due soon',
        'tasks.completed_on': 'Completed {date}',
        'tasks.on_time': 'on time',
        'tasks.days_late': '{days} days late',
        'tasks.percent': '{percent}%',
        'tasks.by': 'from {name}',
        'tasks.progress': 'Progress',
        'tasks.activity': 'Activity',
        'tasks.parent': 'Part of',
        'tasks.open_parent': 'Open the task above: {name}',
        'tasks.assigned_by': 'Given by',
        'tasks.assignee': 'Assignee',
        'tasks.start_date': 'Start',
        'tasks.due_date': 'Due',
        'tasks.started': 'Started',
        'tasks.completed': 'Completed',
        'tasks.description': 'Description',
        'tasks.subtasks': 'Subtasks',
        'tasks.open_subtasks_hint': '{count} subtask(s) still open: the task is completed once they are done.',
        'tasks.document.receipt': 'Open the receipt it is about',
        'tasks.document.file': 'Open the file it is about',
        'tasks.document.directive': 'Open the directive it is about',
        'tasks.updates': 'Progress updates',
        'tasks.no_updates': 'No progress update yet.',
        'tasks.update': 'Add Update',
        'tasks.update_text': 'What was done',
        'tasks.update_percent': 'Percent done',
        'tasks.update_needed': 'Write what was done.',
        'tasks.percent_range': 'The percent done is a whole number from 0 to 100.',
        'tasks.update_done': 'Progress update added.',
        'tasks.start': 'Start',
        'tasks.start_done': 'Started: {name}',
        'tasks.complete': 'Complete',
        'tasks.complete_done': 'Completed: {name}',
        'tasks.complete_offline': 'Completing needs the server (the day it is done is measured against the due date): nothing was sent, complete it when back online.',
        'tasks.offline_hint': 'Offline: Start and a progress update wait on the phone and are sent when back online; Complete needs the connection.',
    },
    ur: {
        'tasks.title': 'میرے کام',
        'tasks.menu': 'میرے کام',
        'tasks.task': 'کام',
        'tasks.tab.todo': 'کرنے ہیں',
        'tasks.tab.in_progress': 'جاری',
        'tasks.tab.overdue': 'مدت گزر چکی',
        'tasks.tab.done': 'مکمل',
        'tasks.empty.todo': 'شروع کرنے کو کوئی کام نہیں۔',
        'tasks.empty.in_progress': 'کوئی کام جاری نہیں۔',
        'tasks.empty.overdue': 'آپ کے کسی کام کی مدت نہیں گزری۔',
        'tasks.empty.done': 'ابھی کوئی کام مکمل نہیں ہوا۔',
        'tasks.limit': 'صرف پہلے {count} زیرِ عمل کام دکھائے گئے ہیں۔',
        'tasks.done_limit': 'تازہ ترین {count} دکھائے گئے ہیں۔',
        'tasks.state.todo': 'کرنا ہے',
        'tasks.state.in_progress': 'جاری',
        'tasks.state.done': 'مکمل',
        'tasks.state.cancelled': 'منسوخ',
        'tasks.due_on': 'مقررہ تاریخ {date}',
        'tasks.due_soon': 'تاریخ قریب',
        'tasks.completed_on': 'مکمل {date}',
        'tasks.on_time': 'بروقت',
        'tasks.days_late': '{days} دن تاخیر',
        'tasks.percent': '{percent}٪',
        'tasks.by': 'از {name}',
        'tasks.progress': 'پیش رفت',
        'tasks.activity': 'سرگرمی',
        'tasks.parent': 'اس کام کا حصہ',
        'tasks.open_parent': 'اوپر والا کام کھولیں: {name}',
        'tasks.assigned_by': 'تفویض کنندہ',
        'tasks.assignee': 'ذمہ دار',
        'tasks.start_date': 'آغاز',
        'tasks.due_date': 'مقررہ تاریخ',
        'tasks.started': 'شروع کیا',
        'tasks.completed': 'مکمل کیا',
        'tasks.description': 'تفصیل',
        'tasks.subtasks': 'ذیلی کام',
        'tasks.open_subtasks_hint': '{count} ذیلی کام ابھی باقی ہیں: ان کے مکمل ہونے پر ہی یہ کام مکمل ہو گا۔',
        'tasks.document.receipt': 'متعلقہ وصولی کھولیں',
        'tasks.document.file': 'متعلقہ فائل کھولیں',
        'tasks.document.directive': 'متعلقہ ہدایت کھولیں',
        'tasks.updates': 'پیش رفت کی رپورٹیں',
        'tasks.no_updates': 'ابھی پیش رفت کی کوئی رپورٹ نہیں۔',
        'tasks.update': 'پیش رفت درج کریں',
        'tasks.update_text': 'کیا کیا گیا',
        'tasks.update_percent': 'فیصد مکمل',
        'tasks.update_needed': 'لکھیں کہ کیا کیا گیا۔',
        'tasks.percent_range': 'فیصد مکمل 0 سے 100 تک کا پورا عدد ہونا چاہیے۔',
        'tasks.update_done': 'پیش رفت درج ہو گئی۔',
        'tasks.start': 'شروع کریں',
        'tasks.start_done': 'شروع کر دیا: {name}',
        'tasks.complete': 'مکمل کریں',
        'tasks.complete_done': 'مکمل کر دیا: {name}',
        'tasks.complete_offline': 'مکمل کرنے کے لیے سرور درکار ہے (تکمیل کا دن مقررہ تاریخ سے ملایا جاتا ہے): کچھ نہیں بھیجا گیا، آن لائن ہونے پر مکمل کریں۔',
        'tasks.offline_hint': 'آف لائن: "شروع کریں" اور پیش رفت فون پر محفوظ رہیں گی اور آن لائن ہونے پر بھیج دی جائیں گی؛ مکمل کرنے کے لیے کنکشن ضروری ہے۔',
    },
};

registerScreen({
    id: 'tasks',
    path: '/tasks',
    component: Tasks,
    title: 'tasks.title',
    requires: [TASK],
    menu: {order: 40, icon: 'tasks', label: 'tasks.menu'},
    // My open tasks (To Do and In Progress)
    badge: (app) => app.searchCount(TASK, [...MINE, ['state', 'in', OPEN]]),
    strings: STRINGS,
});

registerScreen({
    id: 'task',
    path: '/tasks/:id',
    component: Task,
    title: 'tasks.task',
    requires: [TASK],
    opens: [TASK],
    form: true,
});
