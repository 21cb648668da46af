/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   One Preact for the whole app: screens import html`` and the hooks from
   here.  html`` is htm bound to Preact's h: no JSX transform, and no
   string ever becomes HTML (text goes in as text nodes and attributes). */
export {html, render} from 'htm/preact';
export {h, Fragment, createContext} from 'preact';
export {
    useState, useEffect, useMemo, useRef, useCallback, useContext,
    useReducer, useLayoutEffect,
} from 'preact/hooks';
