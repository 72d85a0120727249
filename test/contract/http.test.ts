import { httpContractTarget } from "./http-target.js";
import { describeContract } from "./suite.js";

describeContract("http", () => httpContractTarget());
