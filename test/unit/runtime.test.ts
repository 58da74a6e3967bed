import assert from 'node:assert/strict';

describe('runtime', () => {
  it('runs on Node.js 24, pinned by the node devDependency', () => {
    assert.equal(process.versions.node.split('.')[0], '24');
  });
});
