// Twilio's official Node helper library (twilio@6) pointed at xuna-emulator: lists the
// account's numbers with the library's own paging and prints what it saw as one JSON object.
//   node twilio_lib.js BASE_URL USERNAME PASSWORD ACCOUNT_SID PAGE_SIZE
// USERNAME is the account SID, or an API key SID (then ACCOUNT_SID names the account).
"use strict";
const twilio = require("twilio");

const [base, username, password, accountSid, pageSize] = process.argv.slice(2);

// The library's own RequestClient, with api.twilio.com rewritten to the emulator.
class ToEmulator extends twilio.RequestClient {
  constructor() {
    super();
    this.uris = [];
  }
  request(opts) {
    opts.uri = opts.uri.replace(/^https:\/\/api\.twilio\.com/, base);
    this.uris.push(opts.uri);
    return super.request(opts);
  }
}

async function main() {
  const http = new ToEmulator();
  const client = twilio(username, password, { accountSid, httpClient: http });
  const out = { uris: http.uris };
  try {
    const numbers = await client.incomingPhoneNumbers.list({ pageSize: Number(pageSize) });
    out.numbers = numbers.map((n) => ({
      phoneNumber: n.phoneNumber, friendlyName: n.friendlyName, sid: n.sid,
      accountSid: n.accountSid, voice: n.capabilities && n.capabilities.voice, status: n.status,
    }));
  } catch (e) {
    out.error = {
      restException: e instanceof twilio.RestException, status: e.status, code: e.code,
      message: e.message, moreInfo: e.moreInfo,
    };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
