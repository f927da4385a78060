// Composition root of the cli (filled in by its own issue).
console.log(JSON.stringify({ name: 'cli', msg: 'not implemented yet' }));
