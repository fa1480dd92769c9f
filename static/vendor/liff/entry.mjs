// bkk1555's LIFF bundle: LIFF's pluggable core with only the APIs the report form uses.
import liff from '@line/liff/core';
import IsInClient from '@line/liff/is-in-client';
import IsLoggedIn from '@line/liff/is-logged-in';
import Login from '@line/liff/login';
import GetIDToken from '@line/liff/get-id-token';
import CloseWindow from '@line/liff/close-window';

liff.use(new IsInClient());
liff.use(new IsLoggedIn());
liff.use(new Login());
liff.use(new GetIDToken());
liff.use(new CloseWindow());
window.liff = liff;
