/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The outbox: actions taken offline that can be sent later as they are
   (a move, a noting paragraph, a flag, a chat message), kept in IndexedDB
   with what they are for, and sent in order when the phone is back
   online.  Each keeps its outcome — sent, or the server's refusal with
   its message — until the user dismisses it: nothing is silently lost.
   The server checks each as it would have then (who holds the document
   now), so a queued move that has become wrong is refused, and said so. */
import {outboxAll, outboxDelete, outboxPut} from './db.js';
import {rpc} from './rpc.js';

export class Outbox {
    constructor({owner, context, onChange, onOutcome}) {
        this.owner = owner;
        this.context = context;
        this.onChange = onChange;
        this.onOutcome = onOutcome;
        this.flushing = null;
    }

    async items() {
        const items = await outboxAll(this.owner);
        return items.sort((a, b) => a.id - b.id);
    }

    async add({label, model, method, args, document = null}) {
        const item = {
            owner: this.owner,
            label,
            model,
            method,
            args,
            document,
            state: 'waiting',
            created: Date.now(),
        };
        item.id = await outboxPut(item);
        this.onChange();
        return item;
    }

    async dismiss(id) {
        await outboxDelete(id);
        this.onChange();
    }

    async retry(id) {
        const item = (await this.items()).find((i) => i.id === id);
        if (item) {
            item.state = 'waiting';
            delete item.message;
            delete item.description;
            await outboxPut(item);
            this.onChange();
            return this.flush();
        }
    }

    flush() {
        // One flush at a time; the items go in the order they were made.
        if (!this.flushing) {
            this.flushing = this._flush().finally(() => {
                this.flushing = null;
            });
        }
        return this.flushing;
    }

    async _flush() {
        const results = [];
        for (const item of await this.items()) {
            if (item.state !== 'waiting' && item.state !== 'sending') {
                continue;
            }
            item.state = 'sending';
            await outboxPut(item);
            this.onChange();
            try {
                item.result = await rpc(`model.${item.model}.${item.method}`,
                    ...item.args, this.context());
                item.state = 'sent';
            } catch (error) {
                if (error.offline || error.status === 401
                        || error.status >= 500 || error.status === 429) {
                    // Not sent: it waits for the network or the login.
                    item.state = 'waiting';
                    await outboxPut(item);
                    this.onChange();
                    break;
                }
                item.state = 'refused';
                item.message = error.message;
                item.description = error.description || '';
            }
            item.done = Date.now();
            await outboxPut(item);
            results.push(item);
            this.onChange();
            this.onOutcome(item);
        }
        return results;
    }
}
