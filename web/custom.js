/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   sao's customisation script, loaded after sao itself. The source is
   web/custom.js; scripts/setup copies it (with web/*) into the sao folder.
   Each concern is one self-contained block between its BEGIN and END
   lines: add a new block after the last one, leave the others alone. */

/* BEGIN e-Daftar branding: the name, logo and icon the client shows */
(function() {
    'use strict';
    var name = 'e-Daftar';
    var logo = 'edaftar-logo.svg';

    // The window title before login and, through Sao.set_title, after.
    Sao.config.title = name;
    document.title = name;

    var icon = document.querySelector('link[rel="icon"]');
    if (icon) {
        icon.setAttribute('type', 'image/svg+xml');
        icon.setAttribute('href', 'edaftar-favicon.svg');
    }

    function brand() {
        return jQuery('<div/>', {
            'class': 'edaftar-brand',
        }).append(jQuery('<img/>', {
            'src': logo,
            'alt': '',
        })).append(jQuery('<span/>', {
            'class': 'edaftar-brand-name',
        }).text(name));
    }

    // The login dialog opens with the logo and the name above its title.
    var login_dialog = Sao.Session.login_dialog;
    Sao.Session.login_dialog = function() {
        var dialog = login_dialog.apply(this, arguments);
        dialog.header.prepend(brand());
        return dialog;
    };

    jQuery(function() {
        jQuery('#title').text(name);
    });
}());
/* END e-Daftar branding */
