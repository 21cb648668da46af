/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The screens of the mobile app.  THE CONTRACT FOR ADDING A SCREEN
   ================================================================

   A screen is ONE file in this folder plus ONE import line at the end of
   this file.  The file registers itself when imported:

       // src/screens/my_tasks.js
       import {html, useState, useEffect} from '../lib/html.js';
       import {registerScreen} from '../registry.js';
       import {Screen, List, Item, Empty, Stale, ActionSheet, Remarks,
           Button, formatDate} from '../ui.js';

       function MyTasks({app, params, query}) {
           ...
           return html`<${Screen} app=${app} title=${app.t('tasks.title')}>
               ...
           </${Screen}>`;
       }

       registerScreen({
           id: 'my-tasks',                 // unique, kebab-case
           path: '/tasks',                 // hash route ('#/tasks'); ':name'
                                           // segments are params: '/tasks/:id'
           component: MyTasks,             // Preact component, see props below
           title: 'tasks.title',           // catalogue key of its title
           requires: ['edaftar.task'],     // model names: the screen (and its
                                           // menu entry) exists only when all
                                           // are in ir.model of the database
           menu: {                         // optional: a tile on Home ("More")
               order: 40,                  //   position (lower first)
               icon: 'tasks',              //   a name from ui.js ICONS, or text
               label: 'tasks.menu',        //   catalogue key
           },
           badge: async (app) => 3,        // optional: a count on the tile,
                                           // re-read with the inbox counts
           visible: (app) => true,         // optional: show the tile or not
                                           // (e.g. app.can('edaftar.task',
                                           // 'create'))
           opens: ['edaftar.task'],        // optional: the models whose push
                                           // alerts ('#/open/<model>/<id>')
                                           // open this screen; its path then
                                           // has ':id' (and may have ':model')
           form: true,                     // optional: a form being filled,
                                           // not re-read when the user logs
                                           // in again after the session ended
           strings: {                      // optional: the screen's own strings,
               en: {'tasks.title': 'My tasks', ...},   // merged into the
               ur: {'tasks.title': 'میرے کام', ...},    // catalogue (prefix the
           },                                          // keys with the screen)
       });

   and one line is added at the end of this file:

       import './my_tasks.js';

   Props of a screen's component: {app, params, query}
     params  the route's ':name' segments (strings)
     query   the hash's ?a=b parameters (object of strings)
     app     the services of the app (src/app.js, makeApp):
       app.t(key, vars)            translated string ({name} replaced by vars)
       app.lang / app.dir          'en' | 'ur' / 'ltr' | 'rtl'
       app.user                    {id, login, name, employee (id|null),
                                    employee_name, groups (res.group ids)}
       app.context                 the user's Tryton context (pass to RPC)
       app.online                  navigator.onLine as the app last saw it
       app.rpc(method, ...params)  raw JSON-RPC on /<db>/rpc/ (no context
                                   added); rejects with RpcError
                                   {message, description, kind, status}
       app.call(model, method, ...args)
                                   'model.<model>.<method>'(...args, context)
       app.searchRead(model, domain, {fields, order, limit, offset})
       app.searchCount(model, domain)
       app.button(model, name, ids)
                                   clicks a button as sao does
                                   ('model.<model>.<name>'(ids, context))
       app.hasModel(name)          whether the model is in the database
       app.can(model, mode)        the user's model access ('read', 'write',
                                   'create', 'delete'), as ir.model.access
                                   get_access answers (the server checks
                                   every call anyway)
       app.cached(key, loader)     runs loader() online and stores its result
                                   (IndexedDB) under key; offline (or when
                                   the loader fails for the network) answers
                                   the stored one: resolves to
                                   {data, stale (bool), at (Date|null)}
       app.act({label, model, method, args, queue, refresh})
                                   an action with side effects.  Online: calls
                                   'model.<model>.<method>'(...args, context)
                                   and resolves to its result.  Offline: when
                                   queue is true it is put in the outbox
                                   ("waiting to send", sent when back online,
                                   outcome shown) and resolves to
                                   {queued: true}; otherwise it rejects with
                                   a clear "cannot be done offline" error.
                                   Server refusals reject with RpcError.
       app.error(error)            shows an error (the server's message and
                                   description) in the message bar
       app.toast(text)             a short notice
       app.navigate(path)          go to '#<path>'; app.back() goes back
       app.refreshCounts()         re-reads the inbox counts and badges
   The screen shows server errors with app.error(error) and never builds
   HTML from strings: html`` (htm) only, text as children or attributes
   (the page runs under a strict CSP with Trusted Types: innerHTML throws).
*/
import './home.js';
import './inbox.js';
import './document.js';
import './act.js';
import './register.js';
import './approvals.js';
import './outbox.js';
import './open.js';
import './settings.js';
import './directives.js';
import './tasks.js';
