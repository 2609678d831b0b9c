// compile.js compiles every *.sol here with solc-js (standard JSON, optimizer
// on) and writes build/: for each contract its creation code (X.bin), runtime
// code (X.runtime.bin), ABI (X.abi.json), the runtime code's source map
// (X.runtime.srcmap, solc's s:l:f:j:m format) and the compiler-generated
// sources it refers to (X.runtime.generated.json), plus sources.json (each
// source id's file and its functions' byte ranges, for profiles),
// selectors.txt, solc.txt and standard-output.json (the compiler's standard-JSON
// output as a profiler reads it: sources' ASTs, runtime code, source maps).
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
    outputSelection: {
      '*': {
        '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.sourceMap', 'evm.deployedBytecode.generatedSources', 'evm.deployedBytecode.immutableReferences', 'evm.methodIdentifiers'],
        '': ['ast'],
      },
    },
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
    fs.writeFileSync(path.join(out, `${name}.runtime.srcmap`), c.evm.deployedBytecode.sourceMap + '\n');
    // The compiler's own helpers (ABI coding, checked arithmetic), whose
    // source ids follow the .sol files' in this contract's source map.
    const generated = (c.evm.deployedBytecode.generatedSources || []).map((g) => {
      const functions = [];
      const walk = (node) => {
        if (!node || typeof node !== 'object') return;
        if (node.nodeType === 'YulFunctionDefinition' && node.src) {
          const [start, length] = node.src.split(':').map(Number);
          functions.push({ name: node.name, start, length });
        }
        for (const v of Object.values(node)) {
          if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v === 'object') walk(v);
        }
      };
      walk(g.ast);
      return { id: g.id, file: g.name, content: g.contents, functions };
    });
    fs.writeFileSync(path.join(out, `${name}.runtime.generated.json`), JSON.stringify(generated, null, 1) + '\n');
    for (const [sig, id] of Object.entries(c.evm.methodIdentifiers).sort()) {
      selectors.push(`${name} ${id} ${sig}`);
    }
  }
}
fs.writeFileSync(path.join(out, 'selectors.txt'), selectors.join('\n') + '\n');

// Each source's id (the f of a source map entry), file and the byte ranges
// of its functions and modifiers, named Contract.function.
const sourceList = [];
for (const file of Object.keys(output.sources).sort()) {
  const functions = [];
  const walk = (node, contract) => {
    if (!node || typeof node !== 'object') return;
    if (node.nodeType === 'ContractDefinition') contract = node.name;
    if ((node.nodeType === 'FunctionDefinition' || node.nodeType === 'ModifierDefinition') && node.src) {
      const [start, length] = node.src.split(':').map(Number);
      const name = node.name || node.kind; // constructor, receive, fallback
      functions.push({ name: `${contract}.${name}`, start, length });
    }
    for (const v of Object.values(node)) {
      if (Array.isArray(v)) v.forEach((n) => walk(n, contract));
      else if (v && typeof v === 'object') walk(v, contract);
    }
  };
  walk(output.sources[file].ast, '');
  sourceList.push({ id: output.sources[file].id, file, functions });
}
fs.writeFileSync(path.join(out, 'sources.json'), JSON.stringify(sourceList, null, 1) + '\n');
// The compiler's standard-JSON output as hyvmc profile --srcmap reads it:
// each source's id and AST, each contract's runtime code, source map,
// generated sources and immutables (the ABIs and creation code left out).
const standard = { sources: output.sources, contracts: {} };
for (const file of Object.keys(output.contracts).sort()) {
  standard.contracts[file] = {};
  for (const name of Object.keys(output.contracts[file]).sort()) {
    const d = output.contracts[file][name].evm.deployedBytecode;
    if (d.object === '') continue;
    standard.contracts[file][name] = { evm: { deployedBytecode: { object: d.object, sourceMap: d.sourceMap, generatedSources: d.generatedSources, immutableReferences: d.immutableReferences } } };
  }
}
fs.writeFileSync(path.join(out, 'standard-output.json'), JSON.stringify(standard) + '\n');
fs.writeFileSync(path.join(out, 'solc.txt'), solc.version() + ' optimizer runs=200 evmVersion=prague\n');
