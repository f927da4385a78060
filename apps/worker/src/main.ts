// Composition root of the worker (filled in by its own issue).
console.log(JSON.stringify({ name: 'worker', msg: 'not implemented yet' }));
