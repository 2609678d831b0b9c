// compare.mjs URL SPEC.json: runs the requests of SPEC (calls, a
// simulation) against the JSON-RPC endpoint at URL with viem, as a
// JavaScript back end would, and prints what viem returned as JSON. The
// server tests run it against the node and against hyvmc serve's server
// forking it, and compare the two outputs.
import { readFileSync } from "node:fs";
import { createPublicClient, http } from "viem";

const [url, specPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const client = createPublicClient({ transport: http(url) });
const blockNumber = BigInt(spec.block);

// plain turns viem's values (bigints) into JSON.
const plain = (v) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x)));

// failure is what viem reports of a failed request: the node's message and
// the revert data, wherever in the error chain viem put them.
function failure(e) {
  let data;
  e.walk?.((c) => {
    if (typeof c.data === "string" && c.data.startsWith("0x")) data = c.data;
    else if (c.data && typeof c.data.data === "string") data = c.data.data;
    return false;
  });
  return { error: e.details ?? e.shortMessage, data };
}

async function attempt(f) {
  try {
    return plain(await f());
  } catch (e) {
    return failure(e);
  }
}

const out = {};
for (const c of spec.calls) {
  const args = { account: c.from, to: c.to, data: c.data, value: c.value ? BigInt(c.value) : undefined, blockNumber };
  out[c.name] = {
    call: await attempt(() => client.call(args)),
    estimateGas: await attempt(() => client.estimateGas(args)),
    createAccessList: await attempt(() => client.createAccessList(args)),
  };
}
if (spec.simulate) {
  const blocks = await attempt(() =>
    client.simulateBlocks({
      blockNumber,
      blocks: spec.simulate.map((b) => ({ calls: b.map((c) => ({ account: c.from, to: c.to, data: c.data })) })),
    }),
  );
  // The whole blocks as viem parses them (header fields, hashes, roots,
  // transactions), and per call what viem makes of it.
  out.simulate = Array.isArray(blocks)
    ? blocks.map((b) => ({
        ...plain({ ...b, calls: undefined }),
        calls: b.calls.map((c) => ({
          status: c.status,
          data: c.data,
          gasUsed: c.gasUsed,
          logs: plain(c.logs ?? []),
          error: c.error?.details ?? c.error?.shortMessage,
        })),
      }))
    : blocks;
}
console.log(JSON.stringify(out, null, 1));
