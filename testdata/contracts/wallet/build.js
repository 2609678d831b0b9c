// build.js compiles Wallet.sol with solc-js (the version and settings of
// ../compile.js: optimizer on, 200 runs, evmVersion prague) into build/.
// Run it through regen.sh, which pins the compiler version.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const want = process.argv[2];
if (!solc.version().startsWith(want + '+')) {
  throw new Error(`solc ${solc.version()} loaded, want ${want}`);
}
const input = {
  language: 'Solidity',
  sources: { 'Wallet.sol': { content: fs.readFileSync(path.join(__dirname, 'Wallet.sol'), 'utf8') } },
  settings: {
    evmVersion: 'prague',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of output.errors || []) {
  console.error(e.formattedMessage);
  failed = failed || e.severity === 'error';
}
if (failed) process.exit(1);
const c = output.contracts['Wallet.sol'].Wallet;
const out = path.join(__dirname, 'build');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'Wallet.bin'), c.evm.bytecode.object + '\n');
fs.writeFileSync(path.join(out, 'Wallet.runtime.bin'), c.evm.deployedBytecode.object + '\n');
fs.writeFileSync(path.join(out, 'Wallet.abi.json'), JSON.stringify(c.abi, null, 1) + '\n');
fs.writeFileSync(path.join(out, 'solc.txt'), solc.version() + ' optimizer runs=200 evmVersion=prague\n');
