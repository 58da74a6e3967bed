// The registration JSON API as an integrator meets it, and its OpenAPI 3.1 document:
// valid in structure, and describing every route served under /api.
import assert from 'node:assert/strict';
import request from 'supertest';
import { backend } from '../support/harness.ts';
import { startEnrolmentWorld, registrationOf, type EnrolmentWorld } from '../support/enrolment.ts';
import { fictionalRecord } from '../support/relying-party.ts';
import { createRegistrationApi, type RegistrationApiDeps } from '../../src/web/api/registration-api.ts';
import { openApiDocument } from '../../src/web/openapi/index.ts';
import { createOpenApiRouter } from '../../src/web/openapi/router.ts';

type Json = Record<string, unknown>;

describe(`registration API (${backend})`, function () {
  this.timeout(60_000);
  let world: EnrolmentWorld;
  let next = 0;
  const citizen = () => world.citizens[next++]!;
  const api = () => request(world.hawiya.url);

  before(async () => {
    world = await startEnrolmentWorld({ citizens: 6, config: { throttle: { registration: { maxFailures: 15, windowSeconds: 3600, lockSeconds: 1800 } } } });
  });

  after(async () => {
    await world.close();
  });

  it('lists the open offices with their names in the three languages and their region', async () => {
    const response = await api().get('/api/offices').expect(200);
    const offices = (response.body as { offices: Json[] }).offices;
    assert.deepEqual(offices.map((office) => office.code), ['PO-CENTRAL', 'MI-NORTH']);
    assert.deepEqual(offices[1], { code: 'MI-NORTH', kind: 'interior', region: 'North', names: { ar: 'مكتب الداخلية بالشمال', fr: 'Bureau de l’Intérieur du Nord', en: 'Interior office North' } });
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });

  it('registers a matching person once: 201, then 409', async () => {
    const record = citizen();
    const body = { ...registrationOf(record), locale: undefined };
    const created = await api().post('/api/registrations').set('Origin', 'https://elsewhere.example').send(body).expect(201);
    assert.match(created.body.reference, /^[0-9A-HJKMNP-TV-Z]{9}$/);
    assert.equal(created.body.state, 'awaiting_verification');
    assert.equal(created.body.officeCode, 'PO-CENTRAL');
    assert.ok(!Number.isNaN(Date.parse(created.body.expiresAt)));
    assert.equal(created.headers['access-control-allow-origin'], undefined, 'CORS stays closed');
    assert.equal(created.headers['set-cookie'], undefined, 'no cookie is set');
    const again = await api().post('/api/registrations').send(body).expect(409);
    assert.equal(again.body.error, 'application_exists');

    const status = await api().post('/api/registrations/status').send({ reference: created.body.reference, birthDate: record.birthDate }).expect(200);
    assert.deepEqual(status.body, { ...created.body, decidedAt: null });
  });

  it('answers an unknown civil number and mismatched details byte for byte the same', async () => {
    const record = citizen();
    const unknown = await api().post('/api/registrations').send(registrationOf({ ...record, civilNumber: fictionalRecord().civilNumber })).expect(422);
    const mismatch = await api().post('/api/registrations').send(registrationOf(record, { givenName: 'Someone' })).expect(422);
    assert.equal(unknown.text, mismatch.text);
    assert.equal(JSON.parse(unknown.text).error, 'registration_not_matched');
  });

  it('names each field in error', async () => {
    const response = await api().post('/api/registrations').set('Accept-Language', 'en')
      .send({ civilNumber: '12', givenName: '', familyName: 'Ben Ali', birthDate: '1990-02-31', email: 'nope', officeCode: 'PO-CENTRAL', usernameAlias: '1x' })
      .expect(400);
    assert.equal(response.body.error, 'invalid_form');
    assert.deepEqual(Object.keys(response.body.fields).sort(), ['birthDate', 'civilNumber', 'email', 'givenName', 'usernameAlias']);
    assert.equal(response.body.fields.birthDate.code, 'fields.birthDate.invalid');
    assert.match(response.body.fields.civilNumber.message, /10-digit civil registry number/);
    const noContact = await api().post('/api/registrations').send({ ...registrationOf(citizen()), email: undefined }).expect(400);
    assert.deepEqual(Object.keys(noContact.body.fields), ['email']);
    await api().post('/api/registrations').send('[]').set('Content-Type', 'application/json').expect(400);
    await api().post('/api/registrations').send('civilNumber=1').expect(415);
  });

  it('gives one 404 for a wrong birth date, a forged reference and a garbled one', async () => {
    const record = citizen();
    const created = await api().post('/api/registrations').send(registrationOf(record)).expect(201);
    const reference = created.body.reference as string;
    const forged = `${reference.slice(0, -1)}${reference.endsWith('0') ? '1' : '0'}`;
    const answers = await Promise.all([
      api().post('/api/registrations/status').send({ reference, birthDate: '1900-01-01' }),
      api().post('/api/registrations/status').send({ reference: forged, birthDate: record.birthDate }),
      api().post('/api/registrations/status').send({ reference: '<script>', birthDate: record.birthDate }),
    ]);
    for (const answer of answers) {
      assert.equal(answer.status, 404);
      assert.equal(answer.text, answers[0]!.text);
    }
  });

  it('limits submissions per address with 429 and Retry-After, counting every one', async () => {
    await world.testDb.db.query(`DELETE FROM throttle WHERE key LIKE 'registration:ip:%'`);
    const { maxFailures } = world.hawiya.hawiya.services.config.throttle.registration;
    for (let attempt = 0; attempt < maxFailures; attempt++) await api().post('/api/registrations').send({}).expect(400);
    const limited = await api().post('/api/registrations').send(registrationOf(citizen())).expect(429);
    assert.equal(limited.body.error, 'rate_limited');
    assert.equal(limited.headers['retry-after'], '1800');
  });

  describe('OpenAPI document', () => {
    let doc: Json;

    before(async () => {
      const response = await api().get('/api/openapi.json').expect(200).expect('Content-Type', /application\/json/);
      doc = response.body as Json;
    });

    it('is an OpenAPI 3.1 document in structure: info, paths with responses, resolvable references', () => {
      assert.equal(doc.openapi, '3.1.0');
      const info = doc.info as Json;
      assert.equal(typeof info.title, 'string');
      assert.equal(typeof info.version, 'string');
      const paths = doc.paths as Record<string, Record<string, Json>>;
      const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
      const operationIds = new Set<string>();
      for (const [path, item] of Object.entries(paths)) {
        // Every HTTP API is described: /api, the CSC API (/csc) and the CA's publications (/ca).
        assert.match(path, /^\/(api|csc|ca)\//);
        for (const [method, operation] of Object.entries(item)) {
          // Parameters shared by a path's operations sit beside them (OpenAPI 3.1 §4.8.9).
          if (method === 'parameters') continue;
          assert.ok(['get', 'post', 'put', 'patch', 'delete'].includes(method), `${path} ${method}`);
          assert.equal(typeof operation.operationId, 'string');
          assert.ok(!operationIds.has(operation.operationId as string), `unique operationId ${operation.operationId}`);
          operationIds.add(operation.operationId as string);
          const responses = operation.responses as Record<string, Json>;
          assert.ok(Object.keys(responses).length > 0, `${path} ${method} has responses`);
          for (const [code, response] of Object.entries(responses)) {
            assert.match(code, /^[1-5]\d\d$/);
            assert.equal(typeof response.description, 'string', `${path} ${method} ${code} description`);
          }
        }
      }
      // Every $ref points at a schema that exists.
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
      assert.ok(refs.length > 0);
      for (const ref of refs) assert.ok(ref in schemas, `schema ${ref}`);
      for (const schema of Object.values(schemas)) assert.equal(typeof schema, 'object');
    });

    it('describes every route served under /api', () => {
      const deps = {} as RegistrationApiDeps;
      const routers = [createRegistrationApi(deps), createOpenApiRouter({ issuer: 'http://localhost' })];
      const paths = doc.paths as Record<string, Record<string, unknown>>;
      let count = 0;
      for (const router of routers) {
        for (const layer of router.stack) {
          for (const method of layer.methods.filter((each) => each !== 'HEAD')) {
            count++;
            assert.ok(paths[String(layer.path)]?.[method.toLowerCase()], `${method} ${String(layer.path)} is in the document`);
          }
        }
      }
      assert.ok(count >= 4);
      assert.deepEqual(openApiDocument('http://x').openapi, '3.1.0');
    });
  });
});
