// The OCSP responder (RFC 6960), signed by the issuing CA itself (§4.2.2.2), answering from
// the certificate table, so a revocation shows in the next response. A CertID names its
// issuer by hashes of the issuer's name and key; a certificate of another issuer, or a
// serial we never issued, is "unknown". The request's nonce is echoed (§4.4.1).
import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { CRLReason } from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse, CertID, CertStatus, OCSPRequest, OCSPResponse, OCSPResponseStatus, ResponderID, ResponseBytes,
  ResponseData, RevokedInfo, SingleResponse, KeyHash, id_pkix_ocsp_basic, id_pkix_ocsp_nonce,
} from '@peculiar/asn1-ocsp';
import type { Queryable } from '../db/db.ts';
import { algorithm, serialHex, signDer } from './x509.ts';
import { OID } from './oids.ts';
import { publicKeyHash, type LoadedCa } from './ca.ts';
import { CRL_REASON } from './crl.ts';
import type { RevocationReason, SigningDeps } from './signing-deps.ts';

const HASH_OF_OID: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

function status(code: number): Buffer {
  return Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: code })));
}

function isOurIssuer(ca: LoadedCa, id: CertID): boolean {
  const hash = HASH_OF_OID[id.hashAlgorithm.algorithm];
  if (!hash) return false;
  const nameHash = createHash(hash).update(ca.issuing.nameDer).digest();
  return nameHash.equals(Buffer.from(id.issuerNameHash.buffer)) && publicKeyHash(ca.issuing, hash).equals(Buffer.from(id.issuerKeyHash.buffer));
}

interface StatusRow {
  serial: string;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
  [column: string]: unknown;
}

// GeneralizedTime without fractions (RFC 5280 §4.1.2.5.2), which strict decoders (NSS)
// insist on.
const wholeSeconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

function certStatus(row: StatusRow | undefined): CertStatus {
  if (!row) return new CertStatus({ unknown: null });
  if (!row.revoked_at) return new CertStatus({ good: null });
  const code = CRL_REASON[row.revocation_reason ?? 'unspecified'];
  return new CertStatus({ revoked: new RevokedInfo({ revocationTime: wholeSeconds(row.revoked_at), ...(code === undefined ? {} : { revocationReason: new CRLReason(code) }) }) });
}

export async function respondOcsp(deps: Pick<SigningDeps, 'clock' | 'keys' | 'settings'> & { db: Queryable }, ca: LoadedCa, requestDer: Uint8Array): Promise<Buffer> {
  let request: OCSPRequest;
  try {
    request = AsnConvert.parse(requestDer, OCSPRequest);
  } catch {
    return status(OCSPResponseStatus.malformedRequest);
  }
  const ids = request.tbsRequest.requestList.map((each) => each.reqCert);
  if (ids.length === 0) return status(OCSPResponseStatus.malformedRequest);
  const ours = ids.map((id) => (isOurIssuer(ca, id) ? serialHex(id.serialNumber) : null));
  const serials = ours.filter((serial): serial is string => serial !== null);
  const { rows } = serials.length > 0
    ? await deps.db.query<StatusRow>('SELECT serial, revoked_at, revocation_reason FROM signing_certificates WHERE serial = ANY($1)', [serials])
    : { rows: [] as StatusRow[] };
  const bySerial = new Map(rows.map((row) => [row.serial, row]));
  const now = wholeSeconds(deps.clock.now());
  const nextUpdate = new Date(now.getTime() + deps.settings.ocspValiditySeconds * 1000);
  const nonce = request.tbsRequest.requestExtensions?.find((each) => each.extnID === id_pkix_ocsp_nonce);
  const data = new ResponseData({
    responderID: new ResponderID({ byKey: new KeyHash(publicKeyHash(ca.issuing)) }),
    producedAt: now,
    responses: ids.map((id, index) => new SingleResponse({
      certID: id,
      certStatus: certStatus(ours[index] ? bySerial.get(ours[index]) : undefined),
      thisUpdate: now,
      nextUpdate,
    })),
    ...(nonce ? { responseExtensions: [nonce] } : {}),
  });
  const signature = await signDer(deps.keys, ca.issuing.keyId, AsnConvert.serialize(data));
  const basic = new BasicOCSPResponse({ tbsResponseData: data, signatureAlgorithm: algorithm(OID.ecdsaWithSha256), signature });
  return Buffer.from(AsnConvert.serialize(new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  })));
}
