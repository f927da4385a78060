// Composition root of the api (filled in by its own issue).
console.log(JSON.stringify({ name: 'api', msg: 'not implemented yet' }));
