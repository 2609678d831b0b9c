// compile.js compiles every *.sol here with solc-js (standard JSON, optimizer
// on) and writes build/: for each contract its creation code (X.bin), runtime
// code (X.runtime.bin), ABI (X.abi.json), plus selectors.txt and solc.txt.
// Run it through regen.sh, which pins the compiler version.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const want = process.argv[2];
if (!solc.version().startsWith(want + '+')) {
  throw new Error(`solc ${solc.version()} loaded, want ${want}`);
}

const dir = __dirname;
const sources = {};
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(dir, f), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'prague',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: (p) => ({ error: `no import ${p}` }) }));
let failed = false;
for (const e of output.errors || []) {
  console.error(e.formattedMessage);
  failed = failed || e.severity === 'error';
}
if (failed) process.exit(1);

const out = path.join(dir, 'build');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out);
const selectors = [];
for (const file of Object.keys(output.contracts).sort()) {
  for (const name of Object.keys(output.contracts[file]).sort()) {
    const c = output.contracts[file][name];
    if (c.evm.bytecode.object === '') continue; // interfaces
    fs.writeFileSync(path.join(out, `${name}.bin`), c.evm.bytecode.object + '\n');
    fs.writeFileSync(path.join(out, `${name}.runtime.bin`), c.evm.deployedBytecode.object + '\n');
    fs.writeFileSync(path.join(out, `${name}.abi.json`), JSON.stringify(c.abi, null, 1) + '\n');
    for (const [sig, id] of Object.entries(c.evm.methodIdentifiers).sort()) {
      selectors.push(`${name} ${id} ${sig}`);
    }
  }
}
fs.writeFileSync(path.join(out, 'selectors.txt'), selectors.join('\n') + '\n');
fs.writeFileSync(path.join(out, 'solc.txt'), solc.version() + ' optimizer runs=200 evmVersion=prague\n');
