/**
 * The HTTP backend on the `fetch` transport (what a browser uses), run through the whole
 * contract against the same server as the undici transport.
 */
import { FetchTransport } from "../../src/index.js";
import { httpContractTarget } from "./http-target.js";
import { describeContract } from "./suite.js";

describeContract("http over fetch", () => httpContractTarget(new FetchTransport({ connections: 16, timeout: 30_000 })));
