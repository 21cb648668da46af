/* e-Daftar citizen portal: progressive enhancement only. Without this
   script (or without Leaflet) every form works with its typed inputs.
   - the map of the apply form: a tap sets the latitude and longitude,
     typed coordinates move the marker;
   - "use my location" (navigator.geolocation).
   No HTML is built from strings; texts come from data attributes. */
(function () {
    'use strict';

    function ready(fn) {
        if (document.readyState !== 'loading') {
            fn();
        } else {
            document.addEventListener('DOMContentLoaded', fn);
        }
    }

    function escapeHtml(text) {
        var span = document.createElement('span');
        span.textContent = text;
        return span.innerHTML;
    }

    function parse(value) {
        var number = parseFloat(String(value || '').replace(',', '.'));
        return isFinite(number) ? number : null;
    }

    ready(function () {
        var lat = document.getElementById('latitude');
        var lon = document.getElementById('longitude');
        if (!lat || !lon) {
            return;
        }
        var mapElement = document.getElementById('map');
        var locate = document.getElementById('my-location');
        var status = document.getElementById('location-status');
        var map = null;
        var marker = null;

        function place(latitude, longitude, zoom) {
            if (!map) {
                return;
            }
            var point = [latitude, longitude];
            if (marker) {
                marker.setLatLng(point);
            } else {
                marker = window.L.marker(point).addTo(map);
            }
            // Without animation: a second tap during a zoom animation
            // would leave the marker off the map.
            map.setView(point, zoom || Math.max(map.getZoom(), 16),
                {animate: false});
        }

        function set(latitude, longitude) {
            lat.value = latitude.toFixed(6);
            lon.value = longitude.toFixed(6);
            place(latitude, longitude);
        }

        if (mapElement && window.L) {
            mapElement.hidden = false;
            var start = [parse(lat.value), parse(lon.value)];
            var given = start[0] !== null && start[1] !== null;
            if (!given) {
                start = [parse(mapElement.dataset.lat), parse(mapElement.dataset.lon)];
            }
            map = window.L.map(mapElement).setView(start, given ? 16 : 12);
            window.L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
                maxZoom: 19,
                // The page sends no referrer elsewhere; the tile servers
                // ask for the site's origin.
                referrerPolicy: 'strict-origin-when-cross-origin',
                attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">' +
                    escapeHtml(mapElement.dataset.attribution || 'OpenStreetMap') + '</a>'
            }).addTo(map);
            if (given) {
                place(start[0], start[1], 16);
            }
            map.on('click', function (event) {
                set(event.latlng.lat, event.latlng.lng);
            });
            [lat, lon].forEach(function (input) {
                input.addEventListener('change', function () {
                    var a = parse(lat.value);
                    var b = parse(lon.value);
                    if (a !== null && b !== null && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
                        place(a, b);
                    }
                });
            });
        }

        if (locate && navigator.geolocation) {
            locate.hidden = false;
            locate.addEventListener('click', function () {
                locate.disabled = true;
                navigator.geolocation.getCurrentPosition(function (position) {
                    locate.disabled = false;
                    if (status) {
                        status.textContent = '';
                    }
                    set(position.coords.latitude, position.coords.longitude);
                }, function () {
                    locate.disabled = false;
                    if (status) {
                        status.textContent = locate.dataset.error || '';
                    }
                }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
            });
        }
    });
}());
