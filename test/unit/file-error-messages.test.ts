// What the dock says when the disk under its store fails: each error code as a person at the
// dock can act on it, and any other error as it came.
import assert from 'node:assert/strict';
import { describeFileError } from '../../host-tools/store/durable-files.js';

const failed = (code: string | undefined, message = `${code}: something`) => Object.assign(new Error(message), code ? { code } : {});

describe('file errors at the dock, in words', () => {
  it('names each disk failure and what to do about it', () => {
    const said = (code: string) => describeFileError(failed(code), 'store segment 1/0');
    assert.equal(said('ENOSPC'), 'store segment 1/0: the disk is full (ENOSPC); free space on it or move the store to a larger disk');
    assert.equal(said('EDQUOT'), 'store segment 1/0: the disk quota is used up (EDQUOT); raise the quota or free space');
    assert.equal(said('EACCES'), 'store segment 1/0: permission denied (EACCES); run the dock as a user who may write there');
    assert.equal(said('EPERM'), 'store segment 1/0: permission denied (EPERM); run the dock as a user who may write there');
    assert.equal(said('EROFS'), 'store segment 1/0: the disk is read-only (EROFS); remount it read-write or use another store');
    assert.equal(said('ENOTDIR'), 'store segment 1/0: a part of the path is a file, not a folder (ENOTDIR)');
    assert.equal(said('EIO'), 'store segment 1/0: the disk reported an input/output error (EIO); check the disk');
  });

  it('passes any other error on with its own message', () => {
    assert.equal(describeFileError(failed('EBUSY', 'EBUSY: resource busy'), 'commit'), 'commit: EBUSY: resource busy');
    assert.equal(describeFileError(failed(undefined, 'odd'), 'commit'), 'commit: odd');
    assert.equal(describeFileError('a string thrown', 'commit'), 'commit: a string thrown');
  });
});
